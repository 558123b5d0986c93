package infrastructure_test

import (
	"context"
	"errors"
	"testing"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/infrastructure"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// provider is a contracts.AddressProvider answering with a fixed result.
type provider struct {
	address contracts.Address
	err     error
	asked   []uuid.UUID
}

func (p *provider) DeliveryAddress(_ context.Context, userID uuid.UUID) (contracts.Address, error) {
	p.asked = append(p.asked, userID)
	return p.address, p.err
}

func TestAddressBook(t *testing.T) {
	t.Parallel()
	user := uuid.Must(uuid.NewV7())
	p := &provider{address: contracts.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}}
	got, err := infrastructure.NewAddressBook(p).DeliveryAddress(context.Background(), user)
	want := domain.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if err != nil || got != want {
		t.Errorf("DeliveryAddress = %+v, %v; want %+v", got, err, want)
	}
	if len(p.asked) != 1 || p.asked[0] != user {
		t.Errorf("asked for %v, want [%v]", p.asked, user)
	}
}

func TestAddressBookFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		want  error
		kind  error
		alive bool // the request's context stays alive
	}{
		{"no address", contracts.ErrNoAddress, domain.ErrNoAddress, errs.RuleBroken, true},
		{"no address, wrapped", errors.Join(errors.New("users"), contracts.ErrNoAddress), domain.ErrNoAddress, errs.RuleBroken, true},
		{"users' database down", errs.New(errs.Unavailable, "the database is unavailable"), infrastructure.ErrAddressesUnavailable, errs.Unavailable, true},
		{"an error of another kind", errs.New(errs.NotFound, "user not found"), infrastructure.ErrAddressesUnavailable, errs.Unavailable, true},
		{"an unexpected error", errors.New("boom"), infrastructure.ErrAddressesUnavailable, errs.Unavailable, true},
		{"cancelled by the client", context.Canceled, context.Canceled, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if !tt.alive {
				cancel()
			}
			_, err := infrastructure.NewAddressBook(&provider{err: tt.err}).DeliveryAddress(ctx, uuid.Must(uuid.NewV7()))
			if !errors.Is(err, tt.want) || errs.KindOf(err) != tt.kind {
				t.Errorf("error = %v (kind %v), want %v (kind %v)", err, errs.KindOf(err), tt.want, tt.kind)
			}
		})
	}
}
