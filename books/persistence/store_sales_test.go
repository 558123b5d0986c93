package persistence_test

import (
	"context"
	"testing"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/persistence"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sold returns a book's exact copies sold (books.sales, 0 without a row),
// the list's copy on the book, and the copies of it on its tag rows.
func sold(t *testing.T, pool *pgxpool.Pool, id uuid.UUID) (exact, listed int, copies []int) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `
		SELECT coalesce((SELECT s.copies_sold FROM books.sales s WHERE s.book_id = b.id), 0), b.copies_sold,
			ARRAY(SELECT t.copies_sold FROM books.book_tags t WHERE t.book_id = b.id ORDER BY t.tag_name)
		FROM books.books b WHERE b.id = $1`, id).Scan(&exact, &listed, &copies)
	if err != nil {
		t.Fatal(err)
	}
	return exact, listed, copies
}

// list runs ListSales and checks it listed want books.
func list(t *testing.T, store *persistence.Store, want int) {
	t.Helper()
	if n, busy, err := store.ListSales(context.Background(), 1000); err != nil || busy || n != want {
		t.Fatalf("ListSales: %d books, busy %t, %v; want %d", n, busy, err, want)
	}
}

// Purchases and cancellations move a book's copies sold and the copies on
// its tag rows once per event, however often each is delivered, alone or in
// a batch (the
// cache check's own tests check copies_sold against the purchases).
func TestRecordPurchaseAndCancellationOncePerEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	tagged := mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = []string{"Go", "Testing"} })
	other := mustAddBook(t, store, func(in *domain.BookInput) { in.Title = "Other" })
	ann, order1, order2 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	placed1, placed2, cancelled1 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	unknown := uuid.Must(uuid.NewV7()) // a book id the catalogue does not hold
	first := persistence.Purchase{EventID: placed1, OrderID: order1, UserID: ann,
		Sales: []persistence.Sale{{BookID: tagged.ID(), Quantity: 3}, {BookID: other.ID(), Quantity: 1}, {BookID: unknown, Quantity: 2}}}
	if err := store.RecordPurchases(ctx, "books.sales", []persistence.Purchase{first}); err != nil {
		t.Fatal(err)
	}
	// A batch: the first event again (a redelivery), and a second order of
	// the same book, counted with it.
	second := persistence.Purchase{EventID: placed2, OrderID: order2, UserID: ann, Sales: []persistence.Sale{{BookID: tagged.ID(), Quantity: 4}}}
	if err := store.RecordPurchases(ctx, "books.sales", []persistence.Purchase{first, second}); err != nil {
		t.Fatal(err)
	}
	if exact, listed, copies := sold(t, pool, tagged.ID()); exact != 7 || listed != 0 || copies[0] != 0 {
		t.Errorf("after two orders, before listing: %d sold, %d listed, tag copies %v; want 7, 0 and [0 0]", exact, listed, copies)
	}
	list(t, store, 2) // the tagged book and the other; the unknown one has no count
	if exact, listed, copies := sold(t, pool, tagged.ID()); exact != 7 || listed != 7 || len(copies) != 2 || copies[0] != 7 || copies[1] != 7 {
		t.Errorf("after two orders, listed: %d sold, %d listed, tag copies %v; want 7, 7 and [7 7]", exact, listed, copies)
	}
	list(t, store, 0) // nothing moved since
	for range 2 {     // the second time is a redelivery
		if err := store.RecordCancellations(ctx, "books.sales", []persistence.Cancellation{{EventID: cancelled1, OrderID: order1}}); err != nil {
			t.Fatal(err)
		}
	}
	list(t, store, 2)
	if exact, listed, copies := sold(t, pool, tagged.ID()); exact != 4 || listed != 4 || copies[0] != 4 || copies[1] != 4 {
		t.Errorf("after order 1's cancellation: %d sold, %d listed, tag copies %v; want 4, 4 and [4 4]", exact, listed, copies)
	}
	if exact, listed, _ := sold(t, pool, other.ID()); exact != 0 || listed != 0 {
		t.Errorf("the other book: %d sold, %d listed after its only order's cancellation, want 0", exact, listed)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM books.sales WHERE book_id = $1`, unknown).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("the unknown book has %d count rows (%v), want none", rows, err)
	}
	var purchases int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM books.purchases WHERE user_id = $1`, ann).Scan(&purchases); err != nil || purchases != 1 {
		t.Errorf("%d purchases left (%v), want order 2's one", purchases, err)
	}
}

// One lister lists at a time: while another holds the listing's lock,
// ListSales lists nothing and says so; after, the counts are listed.
func TestListSalesOneListerAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	book := mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = []string{"Go"} })
	sale := persistence.Purchase{EventID: uuid.Must(uuid.NewV7()), OrderID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()),
		Sales: []persistence.Sale{{BookID: book.ID(), Quantity: 2}}}
	if err := store.RecordPurchases(ctx, "books.sales", []persistence.Purchase{sale}); err != nil {
		t.Fatal(err)
	}
	other, err := pool.Begin(ctx) // another instance's lister, mid-listing
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('books.sales:list', 0))`); err != nil {
		t.Fatal(err)
	}
	if n, busy, err := store.ListSales(ctx, 1000); err != nil || !busy || n != 0 {
		t.Errorf("ListSales while another lists: %d books, busy %t, %v; want 0 and busy", n, busy, err)
	}
	if _, listed, _ := sold(t, pool, book.ID()); listed != 0 {
		t.Errorf("listed %d while another lists, want 0", listed)
	}
	if err := other.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	list(t, store, 1)
	if exact, listed, copies := sold(t, pool, book.ID()); exact != 2 || listed != 2 || len(copies) != 1 || copies[0] != 2 {
		t.Errorf("after the other: %d sold, %d listed, tag copies %v; want 2, 2 and [2]", exact, listed, copies)
	}
}
