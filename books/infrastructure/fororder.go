package infrastructure

import (
	"context"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/shared/broker"
	"github.com/google/uuid"
)

// ForOrderName is the broker name under which books tells orders what it
// needs to sell books: their titles and what they cost now.
const ForOrderName = "books.for-order"

// ForOrderRequest asks for the books of an order, by id. An id may appear
// more than once.
type ForOrderRequest struct {
	BookIDs []uuid.UUID
}

// ForOrderReply answers a ForOrderRequest with one entry per requested id,
// in the request's order (repeats included).
type ForOrderReply struct {
	Books []OrderBook
}

// OrderBook is one book as orders sees it. An id that matches no book has
// Found false and every other field zero. Orderable says whether a customer
// may buy the book now: it exists, is not soft-deleted, and is not free
// (ActualPriceCents > 0: a price of 0 means not for sale).
type OrderBook struct {
	ID               uuid.UUID
	Title            string
	ActualPriceCents int64 // the promotion's price while there is one
	Found            bool
	Deleted          bool
	Orderable        bool
}

// A BookReader reads what orders needs of some books in one query;
// *persistence.Store is one.
type BookReader interface {
	ForOrder(ctx context.Context, ids []uuid.UUID) ([]persistence.OrderBook, error)
}

// ForOrder is the handler of ForOrderName.
type ForOrder struct {
	store BookReader
}

// NewForOrder returns the handler of ForOrderName, reading from store.
func NewForOrder(store BookReader) *ForOrder {
	return &ForOrder{store: store}
}

// Register registers h with b under ForOrderName.
func (h *ForOrder) Register(b *broker.Broker) error {
	return broker.Handle(b, ForOrderName, h.Handle)
}

// Handle answers req with one query, whatever the number of ids.
func (h *ForOrder) Handle(ctx context.Context, req ForOrderRequest) (ForOrderReply, error) {
	if len(req.BookIDs) == 0 {
		return ForOrderReply{Books: []OrderBook{}}, nil
	}
	found, err := h.store.ForOrder(ctx, req.BookIDs)
	if err != nil {
		return ForOrderReply{}, err
	}
	byID := make(map[uuid.UUID]persistence.OrderBook, len(found))
	for _, b := range found {
		byID[b.ID] = b
	}
	books := make([]OrderBook, len(req.BookIDs))
	for i, id := range req.BookIDs {
		b, ok := byID[id]
		if !ok {
			books[i] = OrderBook{ID: id}
			continue
		}
		books[i] = OrderBook{
			ID:               b.ID,
			Title:            b.Title,
			ActualPriceCents: b.ActualPriceCents,
			Found:            true,
			Deleted:          b.Deleted,
			Orderable:        !b.Deleted && b.ActualPriceCents > 0,
		}
	}
	return ForOrderReply{Books: books}, nil
}
