package service

import (
	"context"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/persistence"
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
