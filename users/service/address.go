package service

import (
	"context"
	"errors"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

// Me is the signed-in caller's own account.
type Me struct {
	ID      uuid.UUID
	Email   string
	Name    string
	Roles   []string
	Address *Address // nil until set
}

// Address is a delivery address as clients see it.
type Address struct {
	Line1, Line2, City, Postcode, Country string
}

// Me returns the caller p's account with its delivery address; ErrUserNotFound
// if the account is gone, auth.ErrSignIn for an anonymous caller.
func (s *Service) Me(ctx context.Context, p auth.Principal) (Me, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return Me{}, err
	}
	userID := p.UserID
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return Me{}, err
	}
	me := Me{ID: u.ID(), Email: u.Email(), Name: u.Name(), Roles: u.Roles()}
	switch a, err := s.store.Address(ctx, userID); {
	case err == nil:
		dto := toAddress(a)
		me.Address = &dto
	case !errors.Is(err, domain.ErrNoAddress):
		return Me{}, err
	}
	return me, nil
}

// AddressInput is a delivery address as the client sends it; Line2 is
// optional.
type AddressInput struct {
	Line1, Line2, City, Postcode, Country string
}

// SetAddress sets or replaces the delivery address of the caller p and
// returns it as stored (trimmed, country upper-cased). It returns errs.Invalid
// naming the fields at fault (line1, line2, city, postcode, country), or
// ErrUserNotFound.
func (s *Service) SetAddress(ctx context.Context, p auth.Principal, in AddressInput) (Address, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return Address{}, err
	}
	userID := p.UserID
	a, err := domain.NewAddress(in.Line1, in.Line2, in.City, in.Postcode, in.Country)
	if err != nil {
		return Address{}, err
	}
	if err := s.store.SetAddress(ctx, userID, a, s.now()); err != nil {
		return Address{}, err
	}
	return toAddress(a), nil
}

func toAddress(a domain.Address) Address {
	return Address{Line1: a.Line1(), Line2: a.Line2(), City: a.City(), Postcode: a.Postcode(), Country: a.Country()}
}
