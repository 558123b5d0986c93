package infrastructure

import (
	"context"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/shared/outbox"
	"github.com/google/uuid"
)

// The orders context's events books consumes, by the names orders publishes
// them under, and the consumer that applies them: one name for both, so
// that an order's placing and its cancellation reach it in that order.
const (
	OrderPlaced    = "orders.order-placed"
	OrderCancelled = "orders.order-cancelled"
	SalesConsumer  = "books.sales"
)

// orderEvent is books' own view of both events' payload: the fields it
// needs, matched by name to orders' (the outbox's Verify checks them at
// start-up, by the broker's rules).
type orderEvent struct {
	OrderID uuid.UUID
	UserID  uuid.UUID
	Lines   []orderLine
}

type orderLine struct {
	BookID   uuid.UUID
	Quantity int
}

// SubscribeSales makes books a consumer (SalesConsumer) of orders' order
// events on events, the orders context's outbox: a placed order counts its
// copies in each book's copies_sold (the bestsellers sort) and records who
// bought which book (verified purchases); a cancelled one takes them back.
// Each effect is applied once per event, by the store's inbox.
func SubscribeSales(events *outbox.Outbox, store *persistence.Store) {
	outbox.Subscribe(events, SalesConsumer, OrderPlaced, func(ctx context.Context, e outbox.Event, o orderEvent) error {
		sales := make([]persistence.Sale, len(o.Lines))
		for i, l := range o.Lines {
			sales[i] = persistence.Sale{BookID: l.BookID, Quantity: l.Quantity}
		}
		return store.RecordPurchase(ctx, SalesConsumer, e.ID, o.OrderID, o.UserID, sales)
	})
	outbox.Subscribe(events, SalesConsumer, OrderCancelled, func(ctx context.Context, e outbox.Event, o orderEvent) error {
		return store.RecordCancellation(ctx, SalesConsumer, e.ID, o.OrderID)
	})
}
