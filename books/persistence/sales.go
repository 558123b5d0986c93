package persistence

import (
	"context"
	"slices"

	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
)

// A Sale is one book of an order and how many copies.
type Sale struct {
	BookID   uuid.UUID
	Quantity int
}

// Inbox returns the books schema's inbox, in which the context's consumers
// of other contexts' events record each event they apply.
func (s *Store) Inbox() *outbox.Inbox { return s.inbox }

// RecordPurchase applies the event eventID, received by consumer, that user
// userID placed order orderID with sales: in one statement (see
// outbox.Inbox), it records the event in the inbox and, the first time
// only, a purchase row per book
// (books.purchases) and the copies on each book's copies_sold and on its
// tag rows' copy. A redelivered event changes nothing. A book the catalogue
// does not hold (an id orders had from elsewhere) gets its purchase row and
// no count.
func (s *Store) RecordPurchase(ctx context.Context, consumer string, eventID, orderID, userID uuid.UUID, sales []Sale) error {
	sales = slices.Clone(sales)
	// In book order, so that two orders of the same books lock their rows
	// in the same order (pgtx.Run retries a deadlock anyway).
	slices.SortFunc(sales, func(a, b Sale) int { return slices.Compare(a.BookID[:], b.BookID[:]) })
	books, quantities := make([]uuid.UUID, len(sales)), make([]int32, len(sales))
	for i, l := range sales {
		books[i], quantities[i] = l.BookID, int32(l.Quantity)
	}
	// One statement: the inbox entry (first), and only when it is new the
	// purchases, the counts moved under each book's row lock, and the tag
	// rows' copies of the count the update left, as AddReview copies the
	// average.
	_, err := s.pool.Exec(ctx, `
		WITH first AS (
			INSERT INTO books.inbox (consumer, event_id, received_at) VALUES ($5, $6, now())
			ON CONFLICT (consumer, event_id) DO NOTHING
			RETURNING event_id
		), bought AS (
			INSERT INTO books.purchases (order_id, book_id, user_id, quantity)
			SELECT $1, l.book_id, $2, l.quantity
			FROM first, unnest($3::uuid[], $4::integer[]) AS l (book_id, quantity)
			ON CONFLICT (order_id, book_id) DO NOTHING
			RETURNING book_id, quantity
		), counted AS (
			UPDATE books.books b SET copies_sold = b.copies_sold + x.quantity
			FROM bought x WHERE b.id = x.book_id
			RETURNING b.id, b.copies_sold
		)
		UPDATE books.book_tags t SET copies_sold = c.copies_sold
		FROM counted c WHERE t.book_id = c.id`,
		orderID, userID, books, quantities, consumer, eventID)
	return pgtx.Wrap("books: record a purchase", err)
}

// RecordCancellation applies the event eventID, received by consumer, that
// order orderID was cancelled: in one statement, it records the event in
// the inbox and, the first time only, deletes the order's purchase rows and
// takes their copies off each book's copies_sold and its tag rows' copy. An
// order with no purchase rows (none recorded, or cancelled before) changes
// nothing.
func (s *Store) RecordCancellation(ctx context.Context, consumer string, eventID, orderID uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `
		WITH first AS (
			INSERT INTO books.inbox (consumer, event_id, received_at) VALUES ($2, $3, now())
			ON CONFLICT (consumer, event_id) DO NOTHING
			RETURNING event_id
		), returned AS (
			DELETE FROM books.purchases p USING first WHERE p.order_id = $1
			RETURNING p.book_id, p.quantity
		), counted AS (
			UPDATE books.books b SET copies_sold = b.copies_sold - x.quantity
			FROM returned x WHERE b.id = x.book_id
			RETURNING b.id, b.copies_sold
		)
		UPDATE books.book_tags t SET copies_sold = c.copies_sold
		FROM counted c WHERE t.book_id = c.id`,
		orderID, consumer, eventID)
	return pgtx.Wrap("books: record a cancellation", err)
}
