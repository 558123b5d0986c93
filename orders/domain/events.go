package domain

import "github.com/google/uuid"

// The integration events the orders context publishes, by name. Each is
// published in the transaction of the change it reports (through
// shared/outbox), with the order as its aggregate, so a consumer receives an
// order's events in the order they happened. Consumers declare their own
// structs with the fields they need; the names and the field names below are
// orders' public contract: a field may be added (an old consumer ignores
// it), but one is never renamed, retyped or removed under the same name and
// version — a change that would is a new version or a new name, published
// beside the old until every consumer has moved (docs/events.md).
const (
	OrderPlacedEvent    = "orders.order-placed"
	OrderCancelledEvent = "orders.order-cancelled"
	// EventVersion is the version of both events' payload.
	EventVersion = 1
)

// OrderEvent is the payload of both events: the order, its customer and
// what it holds.
type OrderEvent struct {
	OrderID uuid.UUID
	UserID  uuid.UUID
	Lines   []EventLine
}

// EventLine is one book of an order and how many copies.
type EventLine struct {
	BookID   uuid.UUID
	Quantity int
}

// EventOf returns the payload of o's events.
func EventOf(o *Order) OrderEvent {
	e := OrderEvent{OrderID: o.id, UserID: o.userID, Lines: make([]EventLine, len(o.lines))}
	for i, l := range o.lines {
		e.Lines[i] = EventLine{BookID: l.bookID, Quantity: l.quantity}
	}
	return e
}
