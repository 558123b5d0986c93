// Package contracts holds the interfaces one context offers another, with the
// types they speak. The provider implements an interface in its infrastructure
// layer, the consumer declares it needs one, and only the app hands the first
// to the second. It is a pure part of shared.
package contracts

import (
	"context"

	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// An Address is a postal delivery address; Country is an ISO 3166-1 alpha-2
// code.
type Address struct {
	Line1    string
	Line2    string
	City     string
	Postcode string
	Country  string
}

// ErrNoAddress reports a user who has not set a delivery address.
var ErrNoAddress = errs.New(errs.RuleBroken, "no delivery address set")

// An AddressProvider gives the delivery address of a user; the users context
// implements it, orders uses it.
type AddressProvider interface {
	// DeliveryAddress returns the user's current delivery address, or an
	// error matching ErrNoAddress.
	DeliveryAddress(ctx context.Context, userID uuid.UUID) (Address, error)
}
