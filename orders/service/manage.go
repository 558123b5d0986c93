package service

import (
	"context"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/auth"
	"github.com/google/uuid"
)

// ChangeDeliveryDate moves the expected delivery of p's order id to day (its
// UTC calendar day), and returns the order. It returns an errs.RuleBroken
// error naming "date" for a day not at least two days after today (in UTC)
// or on a Sunday;
// ErrDeliveryDateFixed once the order is dispatched, delivered or cancelled;
// ErrOrderNotFound when p may not see it; ErrNotOwner (not found too) for an
// administrator who did not place it.
func (s *Service) ChangeDeliveryDate(ctx context.Context, p auth.Principal, id uuid.UUID, day time.Time) (Order, error) {
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
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id uuid.UUID) (Order, error) {
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
func (s *Service) SetStatus(ctx context.Context, p auth.Principal, id uuid.UUID, status string) (Order, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return Order{}, err
	}
	st, err := domain.ParseStatus(status)
	if err != nil {
		return Order{}, err
	}
	return s.update(ctx, id, func(o *domain.Order) error { return o.SetStatus(st) })
}

func (s *Service) update(ctx context.Context, id uuid.UUID, change func(*domain.Order) error) (Order, error) {
	o, err := s.store.Update(ctx, id, change)
	if err != nil {
		return Order{}, err
	}
	return toOrder(o), nil
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
