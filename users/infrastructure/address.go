package infrastructure

import (
	"context"
	"errors"

	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

// An AddressReader reads an account's delivery address; *persistence.Store is
// one.
type AddressReader interface {
	// Address returns the address of account userID, or domain.ErrNoAddress.
	Address(ctx context.Context, userID uuid.UUID) (domain.Address, error)
}

// AddressProvider is the users context's implementation of the shared
// contract contracts.AddressProvider: it gives other contexts (orders) an
// account's delivery address without their knowing anything of users.
type AddressProvider struct {
	store AddressReader
}

var _ contracts.AddressProvider = (*AddressProvider)(nil)

// NewAddressProvider returns an AddressProvider reading from store.
func NewAddressProvider(store AddressReader) *AddressProvider {
	return &AddressProvider{store: store}
}

// DeliveryAddress returns the current delivery address of account userID, or
// contracts.ErrNoAddress when it has set none (or there is no such account).
func (p *AddressProvider) DeliveryAddress(ctx context.Context, userID uuid.UUID) (contracts.Address, error) {
	a, err := p.store.Address(ctx, userID)
	if errors.Is(err, domain.ErrNoAddress) {
		return contracts.Address{}, contracts.ErrNoAddress
	}
	if err != nil {
		return contracts.Address{}, err
	}
	return a.Contract(), nil
}
