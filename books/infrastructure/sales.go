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
// events on events — the orders context's outbox, or the Feed of them that
// the app's bus brings when orders runs in another process: a placed order counts its
// copies in each book's copies_sold (the bestsellers sort) and records who
// bought which book (verified purchases); a cancelled one takes them back.
// Each batch of events is one statement, and each effect is applied once
// per event, by the store's inbox.
func SubscribeSales(events outbox.Source, store *persistence.Store) {
	outbox.Subscribe(events, SalesConsumer, OrderPlaced, func(ctx context.Context, placed []outbox.Received[orderEvent]) error {
		purchases := make([]persistence.Purchase, len(placed))
		for i, e := range placed {
			p := persistence.Purchase{EventID: e.ID, OrderID: e.Payload.OrderID, UserID: e.Payload.UserID,
				Sales: make([]persistence.Sale, len(e.Payload.Lines))}
			for j, l := range e.Payload.Lines {
				p.Sales[j] = persistence.Sale{BookID: l.BookID, Quantity: l.Quantity}
			}
			purchases[i] = p
		}
		return store.RecordPurchases(ctx, SalesConsumer, purchases)
	})
	outbox.Subscribe(events, SalesConsumer, OrderCancelled, func(ctx context.Context, cancelled []outbox.Received[orderEvent]) error {
		cancellations := make([]persistence.Cancellation, len(cancelled))
		for i, e := range cancelled {
			cancellations[i] = persistence.Cancellation{EventID: e.ID, OrderID: e.Payload.OrderID}
		}
		return store.RecordCancellations(ctx, SalesConsumer, cancellations)
	})
}
