package infrastructure

import (
	"context"
	"errors"
	"fmt"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// BooksForOrder is the broker name orders asks books for the books of an
// order; the books context handles it.
const BooksForOrder = "books.for-order"

// ErrBooksUnavailable reports that the books of an order could not be looked
// up: the books context failed, or its handler is missing or broken. The
// cause's text goes beside it, for the log, but not the cause itself: an error
// of books' own kind (say, not found) must not decide orders' status.
var ErrBooksUnavailable = errs.New(errs.Unavailable, "the catalogue is unavailable; try again shortly")

// bookRequest and bookReply are orders' side of the "books.for-order"
// contract. The broker maps them, by field name, to books' own types, which
// orders never sees: books answers one entry per requested id, in request
// order, with Found false (and the rest zero) for an unknown id.
type (
	bookRequest struct {
		BookIDs []uuid.UUID
	}
	bookReply struct {
		Books []bookEntry
	}
	bookEntry struct {
		ID               uuid.UUID
		Title            string
		ActualPriceCents int64
		Found, Deleted   bool
	}
)

// A Catalogue is orders' domain.BookLookup: it asks the books context through
// the broker.
type Catalogue struct {
	broker *broker.Broker
}

var _ domain.BookLookup = (*Catalogue)(nil)

// NewCatalogue returns a Catalogue asking through b, and declares to b that
// orders asks BooksForOrder with its types, so that b.Verify checks at
// start-up that books handles the name with types that map.
func NewCatalogue(b *broker.Broker) *Catalogue {
	broker.Expect[bookRequest, bookReply](b, BooksForOrder)
	return &Catalogue{broker: b}
}

// BooksForOrder asks books for ids in one request and returns what it
// answers, one Book per id in the order of ids. Every failure is
// ErrBooksUnavailable, with the cause's text beside it: whatever went wrong
// is not the customer's doing, and none of it (a missing handler, types that
// no longer map, a handler's panic or error) must become a 500. A request
// cancelled by the client keeps its context error.
func (c *Catalogue) BooksForOrder(ctx context.Context, ids []uuid.UUID) ([]domain.Book, error) {
	reply, err := broker.Ask[bookRequest, bookReply](ctx, c.broker, BooksForOrder, bookRequest{BookIDs: ids})
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, fmt.Errorf("orders: ask %s: %w", BooksForOrder, err)
		}
		return nil, fmt.Errorf("orders: ask %s: %w: %v", BooksForOrder, ErrBooksUnavailable, err)
	}
	if len(reply.Books) != len(ids) {
		return nil, fmt.Errorf("orders: ask %s: %w: %d books answered for %d ids", BooksForOrder, ErrBooksUnavailable, len(reply.Books), len(ids))
	}
	books := make([]domain.Book, len(ids))
	for i, b := range reply.Books {
		if b.Found && b.ID != ids[i] {
			return nil, fmt.Errorf("orders: ask %s: %w: answer %d is book %v, want %v", BooksForOrder, ErrBooksUnavailable, i, b.ID, ids[i])
		}
		books[i] = domain.Book{ID: ids[i], Title: b.Title, PriceCents: b.ActualPriceCents, Found: b.Found, Deleted: b.Deleted}
	}
	return books, nil
}
