package infrastructure

import (
	"context"
	"log/slog"
	"time"

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
// the app's bus brings when orders runs in another process: a placed order
// counts its copies in each book's exact count and records who bought which
// book (verified purchases); a cancelled one takes them back. Each batch of
// events is one statement, and each effect is applied once per event, by
// the store's inbox. After each, lister copies the counts to the book list
// (the bestsellers sort).
func SubscribeSales(events outbox.Source, store *persistence.Store, lister *SalesLister) {
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
		if err := store.RecordPurchases(ctx, SalesConsumer, purchases); err != nil {
			return err
		}
		lister.Moved()
		return nil
	})
	outbox.Subscribe(events, SalesConsumer, OrderCancelled, func(ctx context.Context, cancelled []outbox.Received[orderEvent]) error {
		cancellations := make([]persistence.Cancellation, len(cancelled))
		for i, e := range cancelled {
			cancellations[i] = persistence.Cancellation{EventID: e.ID, OrderID: e.Payload.OrderID}
		}
		if err := store.RecordCancellations(ctx, SalesConsumer, cancellations); err != nil {
			return err
		}
		lister.Moved()
		return nil
	})
}

// SalesListDelay is how long after an event's effect the book list shows
// its copies sold: the bestsellers sort is a ranking, which may trail the
// sales by a second, and a hot book sold in many orders within it is
// rewritten once (see persistence.Store.ListSales and docs/decisions.md).
const SalesListDelay = time.Second

// salesListBatch is how many books one ListSales statement lists.
const salesListBatch = 1000

// salesListSweep is how often a lister looks for counts that no Moved
// announced: those an instance that stopped after its effect and before
// listing left behind.
const salesListSweep = time.Minute

// A SalesLister copies the books' exact copies sold to the book list,
// SalesListDelay after the effects that move them. Safe for concurrent
// use; any number of instances' listers may run on one database.
type SalesLister struct {
	store *persistence.Store
	delay time.Duration
	moved chan struct{}
}

// NewSalesLister returns a lister over store, which lists delay after the
// first Moved of a round.
func NewSalesLister(store *persistence.Store, delay time.Duration) *SalesLister {
	return &SalesLister{store: store, delay: delay, moved: make(chan struct{}, 1)}
}

// Moved tells the lister that counts moved. It never blocks: Moved calls
// before the listing are one.
func (l *SalesLister) Moved() {
	select {
	case l.moved <- struct{}{}:
	default:
	}
}

// Run lists moved counts until ctx is done: the delay after a Moved, and
// every salesListSweep for counts left behind. A failed listing is logged
// and tried again at the next round.
func (l *SalesLister) Run(ctx context.Context, log *slog.Logger) {
	sweep := time.NewTicker(salesListSweep)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.moved:
		case <-sweep.C:
		}
		l.listMoved(ctx, log)
	}
}

// listMoved lists every moved count, a batch per delay, after the delay.
// While another instance lists, it waits a delay more: that one may have
// read the counts before this one's effects committed.
func (l *SalesLister) listMoved(ctx context.Context, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(l.delay):
		}
		n, busy, err := l.store.ListSales(ctx, salesListBatch)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Warn("books: listing the copies sold failed", "err", err)
			}
			return
		case busy:
			continue
		case n < salesListBatch:
			return
		}
	}
}
