package infrastructure_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/books/infrastructure"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/devtools/testdb"
	"github.com/google/uuid"
)

// Two listers (two instances' background work) run while four consumers
// record purchases of the same eight books and cancel every third order:
// no effect fails (the effects and the listers lock the books' rows in one
// order, so none deadlocks), and once the effects stop, each book's copies
// on the list are its exact count, to the copy.
func TestSalesListersFollowConcurrentEffects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, persistence.Migrations())
	store := persistence.NewStore(pool)
	var books []uuid.UUID
	for _, n := range []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"} {
		books = append(books, mustAddBook(t, store, n, 100).ID())
	}

	runCtx, stop := context.WithCancel(ctx)
	var listers sync.WaitGroup
	listed := make([]*infrastructure.SalesLister, 2)
	for i := range listed {
		listed[i] = infrastructure.NewSalesLister(store, 5*time.Millisecond)
		listers.Go(func() { listed[i].Run(runCtx, slog.New(slog.DiscardHandler)) })
	}
	defer func() { stop(); listers.Wait() }()

	const consumers, batches = 4, 30
	cancelled := func(n int) bool { return n%3 == 2 }
	var effects sync.WaitGroup
	for c := range consumers {
		effects.Go(func() {
			for n := range batches {
				p := persistence.Purchase{EventID: uuid.Must(uuid.NewV7()), OrderID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7())}
				for i, b := range books {
					p.Sales = append(p.Sales, persistence.Sale{BookID: b, Quantity: 1 + (c+n+i)%3})
				}
				if err := store.RecordPurchases(ctx, "test.sales", []persistence.Purchase{p}); err != nil {
					t.Error(err)
					return
				}
				if cancelled(n) {
					cancel := persistence.Cancellation{EventID: uuid.Must(uuid.NewV7()), OrderID: p.OrderID}
					if err := store.RecordCancellations(ctx, "test.sales", []persistence.Cancellation{cancel}); err != nil {
						t.Error(err)
						return
					}
				}
				listed[(c+n)%2].Moved()
			}
		})
	}
	effects.Wait()
	want := map[uuid.UUID]int{}
	for c := range consumers {
		for n := range batches {
			for i, b := range books {
				if !cancelled(n) {
					want[b] += 1 + (c+n+i)%3
				}
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		wrong := 0
		for _, b := range books {
			var onBook, onTags int
			if err := pool.QueryRow(ctx, `SELECT b.copies_sold, (SELECT count(*) FROM books.book_tags t WHERE t.book_id = b.id AND t.copies_sold <> b.copies_sold)
				FROM books.books b WHERE b.id = $1`, b).Scan(&onBook, &onTags); err != nil {
				t.Fatal(err)
			}
			if onBook != want[b] || onTags != 0 {
				wrong++
			}
		}
		if wrong == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, %d books whose listed copies sold are not their exact count", wrong)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, busy, err := store.ListSales(ctx, 1000); err != nil || busy || n != 0 {
		t.Errorf("ListSales after the listers: %d books, busy %t, %v; want none left", n, busy, err)
	}
}
