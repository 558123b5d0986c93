package books_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/books"
	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/broker"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var admin = auth.Principal{
	UserID: uuid.Must(uuid.NewV7()), Name: "Ada Admin", Roles: []string{auth.RoleCustomer, auth.RoleAdmin}}

func mustAddBook(t *testing.T, svc *service.Service, title string) service.Book {
	t.Helper()
	b, err := svc.AddBook(t.Context(), admin, service.BookInput{Title: title, PublishedOn: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		PriceCents: 3999, Authors: []string{"Grace Hopper", "Alan Turing"}, Tags: []string{"Computing"}})
	if err != nil {
		t.Fatalf("AddBook: %v", err)
	}
	return b
}

// TestModule walks through the context as the app wires it: a book added by
// the service is in the list, and orders can ask for it over the broker.
func TestModule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, books.Migrations())
	m := books.New(pool, books.Options{})
	b := mustAddBook(t, m.Service(), "Notes on Computing")

	page, err := m.Lists().List(ctx, listbooks.Query{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != b.ID || page.Items[0].Authors != "Grace Hopper, Alan Turing" || page.NextCursor != "" {
		t.Errorf("List = %+v, want the one book with its authors joined", page)
	}

	type (
		request struct{ BookIDs []uuid.UUID }
		book    struct {
			ID               uuid.UUID
			Title            string
			ActualPriceCents int64
			Orderable        bool
		}
		reply struct{ Books []book }
	)
	br := broker.New()
	if err := m.RegisterHandlers(br); err != nil {
		t.Fatalf("RegisterHandlers: %v", err)
	}
	broker.Expect[request, reply](br, "books.for-order")
	if err := br.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	got, err := broker.Ask[request, reply](ctx, br, "books.for-order", request{BookIDs: []uuid.UUID{b.ID}})
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	want := reply{Books: []book{{ID: b.ID, Title: "Notes on Computing", ActualPriceCents: 3999, Orderable: true}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("books.for-order (-want +got):\n%s", diff)
	}

	// Every write path leaves the cached columns exact.
	svc := m.Service()
	other := mustAddBook(t, svc, "Second Thoughts")
	reader := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: "Reader", Roles: []string{auth.RoleCustomer}}
	ok := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ok(svc.SetPromotion(t.Context(), admin, b.ID, service.PromotionInput{ActualPriceCents: 1999, Text: "Sale"}))
	ok(svc.AddReview(t.Context(), reader, b.ID, service.ReviewInput{NumStars: 5}))
	ok(svc.AddReview(t.Context(), reader, other.ID, service.ReviewInput{NumStars: 2}))
	ok(svc.SetPromotion(t.Context(), admin, other.ID, service.PromotionInput{ActualPriceCents: 0, Text: "Free"}))
	ok(svc.RemovePromotion(t.Context(), admin, other.ID))
	ok(nil, svc.SoftDelete(t.Context(), admin, other.ID))
	mustFindCacheExact(t, pool)
}

// TestConcurrentReviews has 200 readers review one book at the same moment:
// the count and the average the book shows, in its detail and in the list,
// must be exact.
func TestConcurrentReviews(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, books.Migrations())
	m := books.New(pool, books.Options{})
	svc := m.Service()
	b := mustAddBook(t, svc, "Reviewed at Once")

	const n = 200
	stars := make([]int, n)
	sum := 0
	for i := range stars {
		stars[i] = (i*i + 3*i) % 6 // 0..5, unevenly
		sum += stars[i]
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			reader := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: fmt.Sprint("Reader ", i), Roles: []string{auth.RoleCustomer}}
			<-start
			if _, err := svc.AddReview(t.Context(), reader, b.ID, service.ReviewInput{NumStars: stars[i]}); err != nil {
				t.Errorf("AddReview %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()

	wantAverage := float64(sum) / n
	got, err := svc.GetBook(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ReviewsCount != n || got.AverageVotes == nil || *got.AverageVotes != wantAverage || len(got.Reviews) != 20 {
		t.Errorf("detail: %d reviews, average %v, %d shown; want %d, exactly %v, 20", got.ReviewsCount, got.AverageVotes, len(got.Reviews), n, wantAverage)
	}
	page, err := m.Lists().List(ctx, listbooks.Query{})
	if err != nil {
		t.Fatal(err)
	}
	mustFindCacheExact(t, pool)
	if len(page.Items) != 1 || page.Items[0].ReviewsCount != n || page.Items[0].AverageVotes == nil || *page.Items[0].AverageVotes != wantAverage {
		t.Errorf("list: %+v, want %d reviews averaging exactly %v", page.Items, n, wantAverage)
	}
}

// mustFindCacheExact fails t unless the cache check finds every cached
// column of every book equal to what its source rows say.
func mustFindCacheExact(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	report, err := cachecheck.Check(context.Background(), pool, false)
	if err != nil {
		t.Fatalf("cache check: %v", err)
	}
	if len(report.Mismatches) != 0 || report.Books == 0 {
		t.Errorf("cache check of %d books: %+v, want no mismatch", report.Books, report.Mismatches)
	}
}
