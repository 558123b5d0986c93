package httpapi

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/web"
)

// BenchmarkEncodePage measures what answering a page of 100 books costs in
// JSON: toPage and web.Encode, the encoding half of GET /api/books, whose
// share of the endpoint's CPU docs/performance.md records.
// Run it on its own: go test -run '^$' -bench EncodePage -count 5 ./httpapi/
func BenchmarkEncodePage(b *testing.B) {
	votes := 3.75
	p := listbooks.Page{Items: make([]listbooks.Item, 100), NextCursor: "eyJzb3J0Ijoidm90ZXMifQ"}
	for i := range p.Items {
		p.Items[i] = listbooks.Item{
			ID:               uuid.Must(uuid.NewV7()),
			Title:            fmt.Sprintf("The Book Number %d of a Long Series", i),
			Authors:          "Ann Author, Bob Writer",
			PublishedOn:      time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC),
			PriceCents:       2999,
			ActualPriceCents: 2499,
			ReviewsCount:     5,
			AverageVotes:     &votes,
			Tags:             []string{"fiction", "history"},
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		if err := web.Encode(w, 200, toPage(p)); err != nil {
			b.Fatal(err)
		}
		if w.Body.Len() < 100*200 {
			b.Fatalf("body of %d bytes", w.Body.Len())
		}
	}
}
