package service

import (
	"context"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/keyset"
	"github.com/google/uuid"
)

// Order is an order as clients see it. Money is in cents.
type Order struct {
	ID                   uuid.UUID
	UserID               uuid.UUID
	Status               string    // placed, dispatched, delivered or cancelled
	PlacedAt             time.Time // UTC
	ExpectedDeliveryDate time.Time // a day: midnight UTC
	DeliveryAddress      Address
	Lines                []Line
	TotalCents           int64
}

// Line is one line of an order.
type Line struct {
	LineNum        int // from 1
	BookID         uuid.UUID
	Title          string
	Quantity       int
	UnitPriceCents int64
	LineTotalCents int64
}

// Address is an order's delivery address.
type Address struct {
	Line1, Line2, City, Postcode, Country string
}

// GetOrder returns order id, or ErrOrderNotFound unless p placed it or is an
// administrator.
func (s *Service) GetOrder(ctx context.Context, p auth.Principal, id uuid.UUID) (Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return Order{}, err
	}
	if !o.IsOwnedBy(p.UserID) && !p.IsAdmin() {
		return Order{}, ErrOrderNotFound
	}
	return toOrder(o), nil
}

// ListQuery asks for a page of orders.
type ListQuery struct {
	All      bool   // every customer's orders (administrators only); false: the caller's
	PageSize *int   // 1..MaxPageSize; nil means DefaultPageSize
	Cursor   string // the NextCursor of the previous page of the same list; "" asks for the first
}

// Page is one page of orders, newest first.
type Page struct {
	Items      []Order
	NextCursor string // "" on the last page
}

// ListOrders returns a page of p's orders, or of everyone's for an
// administrator asking for All, newest (most recently placed) first. It
// returns errs.Invalid naming "pageSize" or "cursor" (a cursor that this
// list did not issue, or issued for the other kind of list), and
// auth.ErrAdminsOnly for a customer asking for All.
func (s *Service) ListOrders(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	f := errs.Fields{}
	all := q.All
	size := keyset.PageSize(f, q.PageSize, DefaultPageSize, MaxPageSize)
	var before uuid.UUID
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		f.Check("cursor", err != nil || c.all != all, keyset.BadCursorMessage)
		before = c.before
	}
	if err := f.Err(errs.Invalid); err != nil {
		return Page{}, err
	}
	if all && !p.IsAdmin() {
		return Page{}, auth.ErrAdminsOnly
	}
	// One more than a page tells whether there is a next one.
	orders, err := s.store.List(ctx, persistence.ListQuery{All: all, UserID: p.UserID, Before: before, Limit: size + 1})
	if err != nil {
		return Page{}, err
	}
	var page Page
	if len(orders) > size {
		orders = orders[:size]
		page.NextCursor = cursor{all: all, before: orders[size-1].ID()}.encode()
	}
	page.Items = make([]Order, len(orders))
	for i, o := range orders {
		page.Items[i] = toOrder(o)
	}
	return page, nil
}

func toOrder(o *domain.Order) Order {
	a := o.DeliveryAddress()
	dto := Order{
		ID:                   o.ID(),
		UserID:               o.UserID(),
		Status:               string(o.Status()),
		PlacedAt:             o.PlacedAt(),
		ExpectedDeliveryDate: o.ExpectedDeliveryDate(),
		DeliveryAddress:      Address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country},
		TotalCents:           o.TotalCents(),
	}
	for _, l := range o.Lines() {
		dto.Lines = append(dto.Lines, toLine(l))
	}
	return dto
}

func toLine(l domain.Line) Line {
	return Line{LineNum: l.Num(), BookID: l.BookID(), Title: l.Title(), Quantity: l.Quantity(),
		UnitPriceCents: l.UnitPriceCents(), LineTotalCents: l.TotalCents()}
}
