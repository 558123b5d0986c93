package infrastructure_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/domain"
	"example.com/bookapp/users/infrastructure"
	"example.com/bookapp/users/persistence"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

func newStore(t *testing.T) *persistence.Store {
	t.Helper()
	return persistence.NewStore(testdb.New(t, persistence.Migrations()))
}

func mustCreateUser(t *testing.T, store *persistence.Store, email string) *domain.User {
	t.Helper()
	u, err := domain.NewUser(email, "Jane", "0123456789", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateUser(context.Background(), u, "$argon2id$not-a-real-hash"); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

func TestAddressProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)
	var provider contracts.AddressProvider = infrastructure.NewAddressProvider(store)
	u := mustCreateUser(t, store, "jane@example.com")

	for name, id := range map[string]uuid.UUID{"no address yet": u.ID(), "no such user": uuid.Must(uuid.NewV7())} {
		_, err := provider.DeliveryAddress(ctx, id)
		if !errors.Is(err, contracts.ErrNoAddress) || !errors.Is(err, errs.RuleBroken) {
			t.Errorf("%s: DeliveryAddress error = %v, want contracts.ErrNoAddress", name, err)
		}
	}

	a, err := domain.NewAddress("1 High Street", "Flat 2", "Oxford", "OX1 1AA", "gb")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetAddress(ctx, u.ID(), a, now); err != nil {
		t.Fatalf("SetAddress: %v", err)
	}
	got, err := provider.DeliveryAddress(ctx, u.ID())
	if err != nil {
		t.Fatalf("DeliveryAddress: %v", err)
	}
	want := contracts.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DeliveryAddress (-want +got):\n%s", diff)
	}
}
