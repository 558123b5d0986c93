package domain

import (
	"slices"
	"time"

	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// A Status is where an order is in its life: placed, then dispatched, then
// delivered; or placed, then cancelled.
type Status string

// The statuses.
const (
	Placed     Status = "placed"
	Dispatched Status = "dispatched"
	Delivered  Status = "delivered"
	Cancelled  Status = "cancelled"
)

// ParseStatus returns the status named s, or an errs.Invalid error naming the
// field "status".
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case Placed, Dispatched, Delivered, Cancelled:
		return st, nil
	}
	return "", errs.WithFields(errs.Invalid, map[string]string{
		"status": "must be one of placed, dispatched, delivered, cancelled"})
}

// An Address is the delivery address of an order: a copy of the customer's
// address taken when the order was placed, which later changes to their
// account do not touch. Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Line1, Line2, City, Postcode, Country string
}

// A Line is one line of an order: a book, its title and unit price as they
// were when the order was placed, and how many copies.
type Line struct {
	num        int
	bookID     uuid.UUID
	title      string
	priceCents int64
	quantity   int
}

// Num returns the line's number within its order, from 1, in the order the
// customer listed the books.
func (l Line) Num() int { return l.num }

// BookID returns the id of the book ordered.
func (l Line) BookID() uuid.UUID { return l.bookID }

// Title returns the book's title when the order was placed.
func (l Line) Title() string { return l.title }

// UnitPriceCents returns the price of one copy when the order was placed
// (promotion included), in cents.
func (l Line) UnitPriceCents() int64 { return l.priceCents }

// Quantity returns how many copies were ordered.
func (l Line) Quantity() int { return l.quantity }

// TotalCents returns the line's price: unit price times quantity, in cents.
func (l Line) TotalCents() int64 { return l.priceCents * int64(l.quantity) }

// An Order is one customer's order of books: the aggregate of the context.
// What was ordered, at what price and to where is fixed when it is placed;
// afterwards only its status and, while it is placed, its delivery date
// change, through its methods.
type Order struct {
	id           uuid.UUID
	userID       uuid.UUID
	status       Status
	placedAt     time.Time
	deliveryDate time.Time
	address      Address
	lines        []Line
}

// StoredOrder is an order as the persistence layer reads it back, with its
// lines.
type StoredOrder struct {
	ID           uuid.UUID
	UserID       uuid.UUID
	Status       Status
	PlacedAt     time.Time
	DeliveryDate time.Time // the expected delivery date, midnight UTC
	Address      Address
	Lines        []StoredLine
}

// StoredLine is one line of a StoredOrder.
type StoredLine struct {
	Num            int
	BookID         uuid.UUID
	Title          string
	UnitPriceCents int64
	Quantity       int
}

// RestoreOrder rebuilds an Order from stored rows, which were valid when they
// were written; it checks nothing. Only the persistence layer should call it.
func RestoreOrder(s StoredOrder) *Order {
	lines := make([]Line, len(s.Lines))
	for i, l := range s.Lines {
		lines[i] = Line{num: l.Num, bookID: l.BookID, title: l.Title, priceCents: l.UnitPriceCents, quantity: l.Quantity}
	}
	return &Order{
		id:           s.ID,
		userID:       s.UserID,
		status:       s.Status,
		placedAt:     s.PlacedAt.UTC(),
		deliveryDate: s.DeliveryDate,
		address:      s.Address,
		lines:        lines,
	}
}

// ID returns the order's id, a UUIDv7: ids of later orders sort higher.
func (o *Order) ID() uuid.UUID { return o.id }

// UserID returns the id of the customer who placed the order.
func (o *Order) UserID() uuid.UUID { return o.userID }

// Status returns where the order is in its life.
func (o *Order) Status() Status { return o.status }

// PlacedAt returns when the order was placed, in UTC.
func (o *Order) PlacedAt() time.Time { return o.placedAt }

// ExpectedDeliveryDate returns the day the order is expected (see Day).
func (o *Order) ExpectedDeliveryDate() time.Time { return o.deliveryDate }

// DeliveryAddress returns where the order goes.
func (o *Order) DeliveryAddress() Address { return o.address }

// Lines returns a copy of the order's lines, by line number.
func (o *Order) Lines() []Line { return slices.Clone(o.lines) }

// TotalCents returns the sum of the lines' totals, in cents.
func (o *Order) TotalCents() int64 {
	var total int64
	for _, l := range o.lines {
		total += l.TotalCents()
	}
	return total
}

// IsOwnedBy reports whether userID placed the order.
func (o *Order) IsOwnedBy(userID uuid.UUID) bool { return o.userID == userID }

// ChangeDeliveryDate moves the expected delivery to date, chosen at now. It
// returns ErrDeliveryDateFixed unless the order is placed, and the error of
// CheckDeliveryDate for a date too soon or on a Sunday.
func (o *Order) ChangeDeliveryDate(date, now time.Time) error {
	if o.status != Placed {
		return ErrDeliveryDateFixed
	}
	if err := CheckDeliveryDate(date, now); err != nil {
		return err
	}
	o.deliveryDate = Day(date)
	return nil
}

// Cancel cancels the order, or returns ErrNotCancellable unless it is placed.
func (o *Order) Cancel() error {
	if o.status != Placed {
		return ErrNotCancellable
	}
	o.status = Cancelled
	return nil
}

// SetStatus moves the order on to status, as the shop's staff do: from placed
// to dispatched, or from dispatched to delivered. Any other change, staying
// put included, is ErrBadTransition; cancelling is Cancel's.
func (o *Order) SetStatus(status Status) error {
	switch {
	case o.status == Placed && status == Dispatched,
		o.status == Dispatched && status == Delivered:
		o.status = status
		return nil
	}
	return ErrBadTransition
}
