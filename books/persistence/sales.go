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
// the order (books.purchases), the copies on each book's copies_sold, and
// the count on its tag rows' copy. A redelivered event changes nothing. The
// copies of one book are summed over the batch, so a book sold in many of
// its orders is updated once. A book the catalogue does not hold gets its
// purchase row and no count.
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
	// The counts move under each book's row lock, and the tag rows copy the
	// count the update left, as AddReview copies the average.
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
		)`+moveCopies("bought", "+"),
		consumer, events, lineEvents, orders, users, books, quantities)
	return pgtx.Wrap("books: record purchases", err)
}

// RecordCancellations applies cancellations, told by events consumer
// received, in one statement: it records each event in the inbox and, for
// those recorded the first time only, deletes the order's purchase rows and
// takes their copies off each book's copies_sold and its tag rows' copy. An
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
		)`+moveCopies("returned", "-"),
		consumer, events, orders)
	return pgtx.Wrap("books: record cancellations", err)
}

// moveCopies ends the statements of RecordPurchases and RecordCancellations:
// it adds (sign "+") or takes off ("-") the quantities of the rows of the
// CTE lines (book_id, quantity) to each book's copies_sold, summed per book,
// and copies each book's new count to its tag rows. The sums come in book
// order, which the plan for a batch's few books (a nested loop over them)
// follows, so two batches of the same books mostly lock their rows alike;
// PostgreSQL does not promise it, and a deadlock is retried by the relay.
func moveCopies(lines, sign string) string {
	return `, counted AS (
			UPDATE books.books b SET copies_sold = b.copies_sold ` + sign + ` x.quantity
			FROM (SELECT book_id, sum(quantity) AS quantity FROM ` + lines + ` GROUP BY book_id ORDER BY book_id) x
			WHERE b.id = x.book_id
			RETURNING b.id, b.copies_sold
		)
		UPDATE books.book_tags t SET copies_sold = c.copies_sold
		FROM counted c WHERE t.book_id = c.id`
}
