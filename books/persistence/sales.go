package persistence

import (
	"context"

	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
)

// A Purchase is an order placed, as books records it: the event that told
// of it, the order, its customer and the copies of each book.
type Purchase struct {
	EventID uuid.UUID
	OrderID uuid.UUID
	UserID  uuid.UUID
	Sales   []Sale
}

// A Sale is one book of an order and how many copies.
type Sale struct {
	BookID   uuid.UUID
	Quantity int
}

// A Cancellation is an order cancelled: the event that told of it and the
// order.
type Cancellation struct {
	EventID uuid.UUID
	OrderID uuid.UUID
}

// Inbox returns the books schema's inbox, in which the context's consumers
// of other contexts' events record each event they apply.
func (s *Store) Inbox() *outbox.Inbox { return s.inbox }

// RecordPurchases applies purchases, told by events consumer received, in
// one statement (see outbox.Inbox): it records each event in the inbox and,
// for the events recorded the first time only, a purchase row per book of
// the order (books.purchases) and the copies on each book's exact count
// (books.sales), which ListSales then copies to the book list. A
// redelivered event changes nothing. The copies of one book are summed over
// the batch, so a book sold in many of its orders is updated once. A book
// the catalogue does not hold gets its purchase row and no count.
func (s *Store) RecordPurchases(ctx context.Context, consumer string, purchases []Purchase) error {
	var (
		events            = make([]uuid.UUID, len(purchases))
		lineEvents, books []uuid.UUID
		orders, users     []uuid.UUID
		quantities        []int32
	)
	for i, p := range purchases {
		events[i] = p.EventID
		for _, l := range p.Sales {
			lineEvents, orders, users = append(lineEvents, p.EventID), append(orders, p.OrderID), append(users, p.UserID)
			books, quantities = append(books, l.BookID), append(quantities, int32(l.Quantity))
		}
	}
	_, err := s.pool.Exec(ctx, `
		WITH first AS (
			INSERT INTO books.inbox (consumer, event_id, received_at)
			SELECT $1, unnest($2::uuid[]), now()
			ON CONFLICT (consumer, event_id) DO NOTHING
			RETURNING event_id
		), bought AS (
			INSERT INTO books.purchases (order_id, book_id, user_id, quantity)
			SELECT l.order_id, l.book_id, l.user_id, l.quantity
			FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::integer[]) AS l (event_id, order_id, user_id, book_id, quantity)
			JOIN first USING (event_id)
			ON CONFLICT (order_id, book_id) DO NOTHING
			RETURNING book_id, quantity
		)`+addCopies("bought"),
		consumer, events, lineEvents, orders, users, books, quantities)
	return pgtx.Wrap("books: record purchases", err)
}

// RecordCancellations applies cancellations, told by events consumer
// received, in one statement: it records each event in the inbox and, for
// those recorded the first time only, deletes the order's purchase rows and
// takes their copies off each book's exact count (books.sales). An
// order with no purchase rows (none recorded, or cancelled before) changes
// nothing.
func (s *Store) RecordCancellations(ctx context.Context, consumer string, cancellations []Cancellation) error {
	events, orders := make([]uuid.UUID, len(cancellations)), make([]uuid.UUID, len(cancellations))
	for i, c := range cancellations {
		events[i], orders[i] = c.EventID, c.OrderID
	}
	_, err := s.pool.Exec(ctx, `
		WITH first AS (
			INSERT INTO books.inbox (consumer, event_id, received_at)
			SELECT $1, unnest($2::uuid[]), now()
			ON CONFLICT (consumer, event_id) DO NOTHING
			RETURNING event_id
		), returned AS (
			DELETE FROM books.purchases p
			USING unnest($2::uuid[], $3::uuid[]) AS c (event_id, order_id) JOIN first USING (event_id)
			WHERE p.order_id = c.order_id
			RETURNING p.book_id, p.quantity
		)`+takeCopies("returned"),
		consumer, events, orders)
	return pgtx.Wrap("books: record cancellations", err)
}

// addCopies ends the statement of RecordPurchases: it adds the quantities
// of the rows of the CTE lines (book_id, quantity), summed per book, to each
// book's row of books.sales — a narrow row, not the book's —, under that
// row's lock. The sums come in book order, and cancellations (takeCopies)
// and the lister (ListSales) lock the rows in book order too, so no two of
// them wait for each other both ways (a deadlock). A book the
// catalogue does not hold has no count. A book's first row starts from the
// count on the book, listed: until a book has a row (books sold before
// books.sales existed), the count on the book is its exact count.
func addCopies(lines string) string {
	return `
		INSERT INTO books.sales AS s (book_id, copies_sold, listed)
		SELECT x.book_id, b.copies_sold + x.quantity, b.copies_sold
		FROM (SELECT book_id, sum(quantity)::integer AS quantity FROM ` + lines + ` GROUP BY book_id) x
		JOIN books.books b ON b.id = x.book_id
		ORDER BY x.book_id
		ON CONFLICT (book_id) DO UPDATE SET copies_sold = s.copies_sold + (excluded.copies_sold - excluded.listed)`
}

// takeCopies ends the statement of RecordCancellations: it takes the
// quantities of the rows of the CTE lines off each book's row of
// books.sales, which the purchases it takes back made. It locks the rows in
// book order first, as addCopies and ListSales do.
func takeCopies(lines string) string {
	return `, taken AS (
			SELECT book_id, sum(quantity)::integer AS quantity FROM ` + lines + ` GROUP BY book_id
		), locked AS (
			SELECT s.book_id FROM books.sales s JOIN taken x USING (book_id)
			ORDER BY s.book_id FOR UPDATE OF s
		)
		UPDATE books.sales s SET copies_sold = s.copies_sold - x.quantity
		FROM taken x JOIN locked l USING (book_id)
		WHERE s.book_id = x.book_id`
}

// ListSales copies to the book list the exact counts of up to max books
// whose count moved since it last did (books.sales.copies_sold <> listed):
// each book's copies_sold, the bestsellers sort's key, and the copies on its
// tag rows, with listed, in one statement, and returns how many books it
// listed. One lister at a time lists (a transaction-scoped advisory lock):
// busy reports that another was listing, and this call listed nothing. It reads the counts without
// locking them and locks their rows only at the end of the statement, to
// set listed, in book order as the effects lock them (addCopies), so a
// lister and an effect never wait for each other both ways: an event's
// effect waits for a lister only that long, and a count an effect moves
// meanwhile stays due, with the value copied in listed, for the next
// listing.
func (s *Store) ListSales(ctx context.Context, max int) (listed int, busy bool, err error) {
	var ours bool
	err = s.pool.QueryRow(ctx, `
		WITH turn AS (
			SELECT pg_try_advisory_xact_lock(hashtextextended('books.sales:list', 0)) AS ours
		), due AS (
			SELECT s.book_id, s.copies_sold FROM books.sales s, turn
			WHERE turn.ours AND s.copies_sold <> s.listed
			ORDER BY s.book_id LIMIT $1
		), counted AS (
			UPDATE books.books b SET copies_sold = d.copies_sold FROM due d
			WHERE b.id = d.book_id
			RETURNING b.id, b.copies_sold
		), tagged AS (
			UPDATE books.book_tags t SET copies_sold = c.copies_sold FROM counted c
			WHERE t.book_id = c.id
		), locked AS (
			SELECT s.book_id FROM books.sales s JOIN counted c ON c.id = s.book_id
			ORDER BY s.book_id FOR UPDATE OF s
		), listed AS (
			UPDATE books.sales s SET listed = c.copies_sold FROM counted c JOIN locked l ON l.book_id = c.id
			WHERE s.book_id = c.id
		)
		SELECT (SELECT count(*) FROM counted), (SELECT ours FROM turn)`, max).Scan(&listed, &ours)
	return listed, !ours, pgtx.Wrap("books: list sales", err)
}
