package service

import (
	"context"
	"errors"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

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
func (s *Service) PlaceOrder(ctx context.Context, p auth.Principal, in PlaceInput) (Order, bool, error) {
	basket := basketOf(in.Lines, in.AcceptTerms)
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
		return Order{}, false, err
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
			return Order{}, false, err
		}
	}
	o, err := domain.Place(ctx, p.UserID, basket, s.books, s.addresses, s.now())
	if err != nil {
		return Order{}, false, err
	}
	id, err := s.store.Place(ctx, o, key, hash)
	if err != nil {
		return Order{}, false, err
	}
	if id != o.ID() {
		// A concurrent repeat placed it first.
		dto, err := s.order(ctx, id)
		return dto, false, err
	}
	return toOrder(o), true, nil
}

func (s *Service) order(ctx context.Context, id uuid.UUID) (Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return Order{}, err
	}
	return toOrder(o), nil
}

func basketOf(lines []LineInput, acceptTerms bool) domain.Basket {
	basket := domain.Basket{AcceptTerms: acceptTerms, Lines: make([]domain.BasketLine, len(lines))}
	for i, l := range lines {
		basket.Lines[i] = domain.BasketLine{BookID: l.BookID, Quantity: l.Quantity}
	}
	return basket
}

// A Quote is a basket priced as PlaceOrder would place it now, for the
// basket and checkout pages: nothing is placed or kept.
type Quote struct {
	Lines      []Line // in the basket's order; a line whose book is unknown has no title
	TotalCents int64
	// Address is the customer's delivery address; nil for an anonymous
	// caller or one who has set none (PlaceOrder would answer ErrNoAddress).
	Address              *Address
	ExpectedDeliveryDate time.Time // if the order were placed now
}

// Quote prices lines for caller p (who may be anonymous) as PlaceOrder
// would. It returns errs.Invalid naming the fields at fault, as PlaceOrder
// does; or the quote with an errs.RuleBroken error naming each
// "lines[i].bookId" whose book is unknown, no longer sold or not for sale;
// errors of books and users are errs.Unavailable.
func (s *Service) Quote(ctx context.Context, p auth.Principal, lines []LineInput) (Quote, error) {
	priced, err := domain.Price(ctx, basketOf(lines, true), s.books)
	if err != nil && !errors.Is(err, errs.RuleBroken) {
		return Quote{}, err
	}
	now := s.now()
	q := Quote{ExpectedDeliveryDate: domain.ExpectedDeliveryDate(now.UTC())}
	for _, l := range priced {
		q.Lines = append(q.Lines, toLine(l))
		q.TotalCents += l.TotalCents()
	}
	if p.SignedIn() {
		switch a, aerr := s.addresses.DeliveryAddress(ctx, p.UserID); {
		case aerr == nil:
			q.Address = &Address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country}
		case !errors.Is(aerr, ErrNoAddress):
			return Quote{}, aerr
		}
	}
	return q, err
}
