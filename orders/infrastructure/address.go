package infrastructure

import (
	"context"
	"errors"
	"fmt"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// ErrAddressesUnavailable reports that a customer's delivery address could
// not be read: the users context failed. The cause's text goes beside it,
// for the log, but not the cause, whose kind must not decide orders' status.
var ErrAddressesUnavailable = errs.New(errs.Unavailable, "delivery addresses are unavailable; try again shortly")

// An AddressBook is orders' domain.AddressLookup over the shared contract
// contracts.AddressProvider, which the users context implements and the app
// hands to orders.
type AddressBook struct {
	provider contracts.AddressProvider
}

var _ domain.AddressLookup = (*AddressBook)(nil)

// NewAddressBook returns an AddressBook over provider.
func NewAddressBook(provider contracts.AddressProvider) *AddressBook {
	return &AddressBook{provider: provider}
}

// DeliveryAddress returns the current delivery address of customer userID,
// domain.ErrNoAddress when they have set none, or ErrAddressesUnavailable
// (with the cause's text beside it) for any other failure. A request cancelled by
// the client keeps its context error.
func (b *AddressBook) DeliveryAddress(ctx context.Context, userID uuid.UUID) (domain.Address, error) {
	a, err := b.provider.DeliveryAddress(ctx, userID)
	switch {
	case errors.Is(err, contracts.ErrNoAddress):
		return domain.Address{}, domain.ErrNoAddress
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return domain.Address{}, fmt.Errorf("orders: delivery address: %w", err)
	case err != nil:
		return domain.Address{}, fmt.Errorf("orders: delivery address: %w: %v", ErrAddressesUnavailable, err)
	}
	return domain.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country}, nil
}
