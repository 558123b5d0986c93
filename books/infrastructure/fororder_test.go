package infrastructure_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/infrastructure"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// The asker's side, declared as orders declares it: its own types, the
// contract's field names.
type (
	orderBooksRequest struct{ BookIDs []uuid.UUID }
	orderBooksReply   struct{ Books []orderBook }
	orderBook         struct {
		ID               uuid.UUID
		Title            string
		ActualPriceCents int64
		Found, Deleted   bool
		Orderable        bool
	}
)

func mustAddBook(t *testing.T, store *persistence.Store, title string, priceCents int64) *domain.Book {
	t.Helper()
	b, err := domain.NewBook(domain.BookInput{Title: title, PublishedOn: now, PriceCents: priceCents, Authors: []string{"A. Author"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddBook(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

func mustUpdate(t *testing.T, store *persistence.Store, id uuid.UUID, change func(*domain.Book) error) {
	t.Helper()
	if err := store.Update(context.Background(), id, change); err != nil {
		t.Fatal(err)
	}
}

// newBroker registers the handler on a real broker, and checks, as the app
// does at start-up, that orders' types map onto it.
func newBroker(t *testing.T, pool *pgxpool.Pool) *broker.Broker {
	t.Helper()
	b := broker.New()
	if err := infrastructure.NewForOrder(persistence.NewStore(pool)).Register(b); err != nil {
		t.Fatalf("Register: %v", err)
	}
	broker.Expect[orderBooksRequest, orderBooksReply](b, infrastructure.ForOrderName)
	if err := b.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return b
}

func TestForOrderOverTheBroker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, persistence.Migrations())
	store := persistence.NewStore(pool)
	b := newBroker(t, pool)

	plain := mustAddBook(t, store, "Plain", 2999)
	onSale := mustAddBook(t, store, "On sale", 4000)
	mustUpdate(t, store, onSale.ID(), func(b *domain.Book) error { return b.SetPromotion(3250, "Spring sale") })
	free := mustAddBook(t, store, "Free", 0)
	freeByPromotion := mustAddBook(t, store, "Given away", 1500)
	mustUpdate(t, store, freeByPromotion.ID(), func(b *domain.Book) error { return b.SetPromotion(0, "Giveaway") })
	deleted := mustAddBook(t, store, "Deleted", 1999)
	mustUpdate(t, store, deleted.ID(), func(b *domain.Book) error { b.SoftDelete(now); return nil })
	unknown := uuid.Must(uuid.NewV7())

	req := orderBooksRequest{BookIDs: []uuid.UUID{deleted.ID(), plain.ID(), unknown, onSale.ID(), free.ID(), plain.ID(), freeByPromotion.ID()}}
	got, err := broker.Ask[orderBooksRequest, orderBooksReply](ctx, b, infrastructure.ForOrderName, req)
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	want := orderBooksReply{Books: []orderBook{
		{ID: deleted.ID(), Title: "Deleted", ActualPriceCents: 1999, Found: true, Deleted: true},
		{ID: plain.ID(), Title: "Plain", ActualPriceCents: 2999, Found: true, Orderable: true},
		{ID: unknown},
		{ID: onSale.ID(), Title: "On sale", ActualPriceCents: 3250, Found: true, Orderable: true},
		{ID: free.ID(), Title: "Free", Found: true},
		{ID: plain.ID(), Title: "Plain", ActualPriceCents: 2999, Found: true, Orderable: true},
		{ID: freeByPromotion.ID(), Title: "Given away", Found: true},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}

	for name, ids := range map[string][]uuid.UUID{"nil": nil, "empty": {}} {
		got, err := broker.Ask[orderBooksRequest, orderBooksReply](ctx, b, infrastructure.ForOrderName, orderBooksRequest{BookIDs: ids})
		if err != nil || len(got.Books) != 0 {
			t.Errorf("%s request: reply %+v, %v; want no books", name, got, err)
		}
	}
}

// A database out of reach reaches the asker as errs.Unavailable.
func TestForOrderUnavailable(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	b := newBroker(t, pool)
	_, err = broker.Ask[orderBooksRequest, orderBooksReply](context.Background(), b, infrastructure.ForOrderName,
		orderBooksRequest{BookIDs: []uuid.UUID{uuid.Must(uuid.NewV7())}})
	if !errors.Is(err, errs.Unavailable) {
		t.Errorf("Ask error = %v, want errs.Unavailable", err)
	}
}
