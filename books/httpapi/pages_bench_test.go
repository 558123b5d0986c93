package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/web/page"
)

// BenchmarkRenderCatalogue measures what rendering the catalogue's HTML
// costs for a page of 20 books with 26 tags and 32 years in the
// drop-downs, the rendering half of GET /, whose share docs/performance.md
// records.
// Run it on its own: go test -run '^$' -bench RenderCatalogue -count 5 ./httpapi/
func BenchmarkRenderCatalogue(b *testing.B) {
	votes := 3.75
	v := catalogueView{Sorts: []page.Option{{Value: "default", Label: "Newest", Selected: true}, {Value: "votes", Label: "Votes"},
		{Value: "published", Label: "Publication date"}, {Value: "price", Label: "Price, lowest first"}, {Value: "price_desc", Label: "Price, highest first"}},
		Votes: options([]string{"", "1", "2", "3", "4"}, "", same), Sizes: options(pageSizes, "20", same), Next: "/?cursor=abc&back=~"}
	for i := range 20 {
		v.Books = append(v.Books, rowOf(listbooks.Item{
			ID: uuid.Must(uuid.NewV7()), Title: fmt.Sprintf("The Book Number %d of a Long Series", i),
			Authors: "Ann Author, Bob Writer", PublishedOn: time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC),
			PriceCents: 2999, ActualPriceCents: 2499 + int64(i%2)*500, PromotionalText: "Half price", ReviewsCount: 5,
			AverageVotes: &votes, Tags: []string{"Fiction", "History"},
		}))
	}
	for i := range 26 {
		v.Tags = append(v.Tags, page.Option{Value: fmt.Sprintf("Tag %c", 'A'+i), Label: fmt.Sprintf("Tag %c", 'A'+i)})
	}
	for y := 2027; y > 1995; y-- {
		v.Years = append(v.Years, page.Option{Value: fmt.Sprint(y), Label: fmt.Sprint(y)})
	}
	r := httptest.NewRequest(http.MethodGet, "/?pageSize=20", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		if err := page.Render(w, r, http.StatusOK, cataloguePage(page.ViewOf(r), v)); err != nil {
			b.Fatal(err)
		}
		if w.Body.Len() < 10_000 {
			b.Fatalf("%d bytes", w.Body.Len())
		}
	}
}
