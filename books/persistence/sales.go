package persistence

import (
	"context"
	"slices"

	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
// userID placed order orderID with sales: in one transaction, it records the
// event in the inbox and, the first time only, a purchase row per book
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
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		if first, err := s.inbox.Record(ctx, tx, consumer, eventID); err != nil || !first {
			return err
		}
		// The counts move under each book's row lock, and the tag rows copy
		// the count the update left, as AddReview copies the average.
		_, err := tx.Exec(ctx, `
			WITH bought AS (
				INSERT INTO books.purchases (order_id, book_id, user_id, quantity)
				SELECT $1, l.book_id, $2, l.quantity FROM unnest($3::uuid[], $4::integer[]) AS l (book_id, quantity)
				ON CONFLICT (order_id, book_id) DO NOTHING
				RETURNING book_id, quantity
			), counted AS (
				UPDATE books.books b SET copies_sold = b.copies_sold + x.quantity
				FROM bought x WHERE b.id = x.book_id
				RETURNING b.id, b.copies_sold
			)
			UPDATE books.book_tags t SET copies_sold = c.copies_sold
			FROM counted c WHERE t.book_id = c.id`,
			orderID, userID, books, quantities)
		return err
	})
	return pgtx.Wrap("books: record a purchase", err)
}

// RecordCancellation applies the event eventID, received by consumer, that
// order orderID was cancelled: in one transaction, it records the event in
// the inbox and, the first time only, deletes the order's purchase rows and
// takes their copies off each book's copies_sold and its tag rows' copy. An
// order with no purchase rows (none recorded, or cancelled before) changes
// nothing.
func (s *Store) RecordCancellation(ctx context.Context, consumer string, eventID, orderID uuid.UUID) error {
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		if first, err := s.inbox.Record(ctx, tx, consumer, eventID); err != nil || !first {
			return err
		}
		_, err := tx.Exec(ctx, `
			WITH returned AS (
				DELETE FROM books.purchases WHERE order_id = $1
				RETURNING book_id, quantity
			), counted AS (
				UPDATE books.books b SET copies_sold = b.copies_sold - x.quantity
				FROM returned x WHERE b.id = x.book_id
				RETURNING b.id, b.copies_sold
			)
			UPDATE books.book_tags t SET copies_sold = c.copies_sold
			FROM counted c WHERE t.book_id = c.id`,
			orderID)
		return err
	})
	return pgtx.Wrap("books: record a cancellation", err)
}
