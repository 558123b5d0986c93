package service

import (
	"context"
	"errors"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/keyset"
	"github.com/google/uuid"
)

// The errors the service returns beyond field validation (errs.Invalid, and
// errs.RuleBroken naming fields); each wraps an errs kind, which is what the
// app maps to a status.
var (
	ErrOrderNotFound        = domain.ErrOrderNotFound        // errs.NotFound (404), also for another customer's order
	ErrNotOwner             = domain.ErrNotOwner             // errs.NotFound (404), for an administrator
	ErrNoAddress            = domain.ErrNoAddress            // errs.RuleBroken (422)
	ErrDeliveryDateFixed    = domain.ErrDeliveryDateFixed    // errs.RuleBroken (422)
	ErrNotCancellable       = domain.ErrNotCancellable       // errs.RuleBroken (422)
	ErrBadTransition        = domain.ErrBadTransition        // errs.RuleBroken (422)
	ErrIdempotencyKeyReused = domain.ErrIdempotencyKeyReused // errs.RuleBroken (422)
)

// The list's page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// A Store keeps orders; *persistence.Store is the one the module uses.
type Store interface {
	Place(ctx context.Context, o *domain.Order, key domain.IdempotencyKey, requestHash []byte) (uuid.UUID, error)
	KeyedOrder(ctx context.Context, userID uuid.UUID, key domain.IdempotencyKey, requestHash []byte) (uuid.UUID, error)
	Order(ctx context.Context, id uuid.UUID) (*domain.Order, error)
	List(ctx context.Context, q persistence.ListQuery) ([]*domain.Order, error)
	Update(ctx context.Context, id uuid.UUID, change func(*domain.Order) error) (*domain.Order, error)
}

// Service is the orders context's use cases.
type Service struct {
	store     Store
	books     domain.BookLookup
	addresses domain.AddressLookup
	now       func() time.Time
}

// New returns a Service over store that takes books' data from books and
// customers' addresses from addresses, and reads the time from now (nil
// means time.Now).
func New(store Store, books domain.BookLookup, addresses domain.AddressLookup, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, books: books, addresses: addresses, now: now}
}

// PlaceInput is an order as the client sends it.
type PlaceInput struct {
	Lines       []LineInput
	AcceptTerms bool
	// IdempotencyKey is the client's Idempotency-Key, or nil when it sent
	// none.
	IdempotencyKey *string
}

// LineInput is one line of an order as the client sends it.
type LineInput struct {
	BookID   uuid.UUID
	Quantity int
}

// OrderDTO is an order as clients see it. Money is in cents.
type OrderDTO struct {
	ID                   uuid.UUID
	UserID               uuid.UUID
	Status               string    // placed, dispatched, delivered or cancelled
	PlacedAt             time.Time // UTC
	ExpectedDeliveryDate time.Time // a day: midnight UTC
	DeliveryAddress      AddressDTO
	Lines                []LineDTO
	TotalCents           int64
}

// LineDTO is one line of an order.
type LineDTO struct {
	LineNum        int // from 1
	BookID         uuid.UUID
	Title          string
	Quantity       int
	UnitPriceCents int64
	LineTotalCents int64
}

// AddressDTO is an order's delivery address.
type AddressDTO struct {
	Line1, Line2, City, Postcode, Country string
}

// PlaceOrder places an order for the signed-in customer p, and reports
// whether this call placed it (created) or found it placed already under the
// same idempotency key.
//
// It returns errs.Invalid naming the fields at fault ("lines",
// "lines[i].bookId", "lines[i].quantity", "idempotencyKey"); an
// errs.RuleBroken error naming "acceptTerms" and each "lines[i].bookId"
// whose book is unknown, no longer sold or not for sale; ErrNoAddress; or
// ErrIdempotencyKeyReused when p used the key for a different order.
// Errors of books and users are errs.Unavailable.
//
// With a key, a repeat of the same order returns the first order, and
// concurrent repeats still place exactly one.
func (s *Service) PlaceOrder(ctx context.Context, p auth.Principal, in PlaceInput) (OrderDTO, bool, error) {
	basket := domain.Basket{AcceptTerms: in.AcceptTerms, Lines: make([]domain.BasketLine, len(in.Lines))}
	for i, l := range in.Lines {
		basket.Lines[i] = domain.BasketLine{BookID: l.BookID, Quantity: l.Quantity}
	}
	// Both are checked, so that a client learns every problem at once.
	f := errs.Fields{}
	f.Merge(basket.Validate())
	var key domain.IdempotencyKey
	if in.IdempotencyKey != nil {
		var err error
		key, err = domain.NewIdempotencyKey(*in.IdempotencyKey)
		f.Merge(err)
	}
	if err := f.Err(errs.Invalid); err != nil {
		return OrderDTO{}, false, err
	}
	hash := basket.Hash()
	if !key.IsZero() {
		// Most repeats come after the first succeeded: answer them without
		// asking books and users again.
		switch id, err := s.store.KeyedOrder(ctx, p.UserID, key, hash); {
		case err == nil:
			dto, err := s.order(ctx, id)
			return dto, false, err
		case !errors.Is(err, domain.ErrOrderNotFound):
			return OrderDTO{}, false, err
		}
	}
	o, err := domain.Place(ctx, p.UserID, basket, s.books, s.addresses, s.now())
	if err != nil {
		return OrderDTO{}, false, err
	}
	id, err := s.store.Place(ctx, o, key, hash)
	if err != nil {
		return OrderDTO{}, false, err
	}
	if id != o.ID() {
		// A concurrent repeat placed it first.
		dto, err := s.order(ctx, id)
		return dto, false, err
	}
	return toOrderDTO(o), true, nil
}

func (s *Service) order(ctx context.Context, id uuid.UUID) (OrderDTO, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return OrderDTO{}, err
	}
	return toOrderDTO(o), nil
}

// GetOrder returns order id, or ErrOrderNotFound unless p placed it or is an
// administrator.
func (s *Service) GetOrder(ctx context.Context, p auth.Principal, id uuid.UUID) (OrderDTO, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return OrderDTO{}, err
	}
	if !o.IsOwnedBy(p.UserID) && !p.IsAdmin() {
		return OrderDTO{}, ErrOrderNotFound
	}
	return toOrderDTO(o), nil
}

// ListQuery asks for a page of orders.
type ListQuery struct {
	All      bool   // every customer's orders (administrators only); false: the caller's
	PageSize *int   // 1..MaxPageSize; nil means DefaultPageSize
	Cursor   string // the NextCursor of the previous page of the same list; "" asks for the first
}

// Page is one page of orders, newest first.
type Page struct {
	Items      []OrderDTO
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
	page.Items = make([]OrderDTO, len(orders))
	for i, o := range orders {
		page.Items[i] = toOrderDTO(o)
	}
	return page, nil
}

// ChangeDeliveryDate moves the expected delivery of p's order id to day (its
// UTC calendar day), and returns the order. It returns an errs.RuleBroken
// error naming "date" for a day not at least two days after today (in UTC)
// or on a Sunday;
// ErrDeliveryDateFixed once the order is dispatched, delivered or cancelled;
// ErrOrderNotFound when p may not see it; ErrNotOwner (not found too) for an
// administrator who did not place it.
func (s *Service) ChangeDeliveryDate(ctx context.Context, p auth.Principal, id uuid.UUID, day time.Time) (OrderDTO, error) {
	return s.update(ctx, id, func(o *domain.Order) error {
		if err := ownedBy(o, p); err != nil {
			return err
		}
		return o.ChangeDeliveryDate(day, s.now())
	})
}

// Cancel cancels p's order id and returns it. It returns ErrNotCancellable
// unless the order is placed, ErrOrderNotFound when p may not see it, and
// ErrNotOwner (not found too) for an administrator who did not place it.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id uuid.UUID) (OrderDTO, error) {
	return s.update(ctx, id, func(o *domain.Order) error {
		if err := ownedBy(o, p); err != nil {
			return err
		}
		return o.Cancel()
	})
}

// SetStatus moves order id on to status (dispatched or delivered), for the
// administrator p, and returns it. It returns auth.ErrAdminsOnly for a customer,
// errs.Invalid naming "status" for an unknown status, ErrBadTransition for
// anything but placed → dispatched → delivered, and ErrOrderNotFound.
func (s *Service) SetStatus(ctx context.Context, p auth.Principal, id uuid.UUID, status string) (OrderDTO, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return OrderDTO{}, err
	}
	st, err := domain.ParseStatus(status)
	if err != nil {
		return OrderDTO{}, err
	}
	return s.update(ctx, id, func(o *domain.Order) error { return o.SetStatus(st) })
}

func (s *Service) update(ctx context.Context, id uuid.UUID, change func(*domain.Order) error) (OrderDTO, error) {
	o, err := s.store.Update(ctx, id, change)
	if err != nil {
		return OrderDTO{}, err
	}
	return toOrderDTO(o), nil
}

// ownedBy returns nil if p placed o; else ErrNotOwner for an administrator,
// who may see o, and ErrOrderNotFound for anyone else, who may not.
func ownedBy(o *domain.Order, p auth.Principal) error {
	switch {
	case o.IsOwnedBy(p.UserID):
		return nil
	case p.IsAdmin():
		return ErrNotOwner
	default:
		return ErrOrderNotFound
	}
}

func toOrderDTO(o *domain.Order) OrderDTO {
	a := o.DeliveryAddress()
	dto := OrderDTO{
		ID:                   o.ID(),
		UserID:               o.UserID(),
		Status:               string(o.Status()),
		PlacedAt:             o.PlacedAt(),
		ExpectedDeliveryDate: o.ExpectedDeliveryDate(),
		DeliveryAddress:      AddressDTO{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country},
		TotalCents:           o.TotalCents(),
	}
	for _, l := range o.Lines() {
		dto.Lines = append(dto.Lines, LineDTO{LineNum: l.Num(), BookID: l.BookID(), Title: l.Title(), Quantity: l.Quantity(),
			UnitPriceCents: l.UnitPriceCents(), LineTotalCents: l.TotalCents()})
	}
	return dto
}
