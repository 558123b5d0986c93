package infrastructure_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/devtools/clocktest"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/infrastructure"
)

// sessions is a stand-in for the users service: one valid token, which
// can be signed out; asks counts the lookups.
type sessions struct {
	valid atomic.Bool
	asks  atomic.Int64
	who   auth.Principal
}

func (s *sessions) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	s.asks.Add(1)
	if token != "good" || !s.valid.Load() {
		return auth.Principal{}, errs.New(errs.Unauthenticated, "invalid token")
	}
	return s.who, nil
}

type addresses map[uuid.UUID]contracts.Address

func (a addresses) DeliveryAddress(_ context.Context, id uuid.UUID) (contracts.Address, error) {
	if ad, ok := a[id]; ok {
		return ad, nil
	}
	return contracts.Address{}, contracts.ErrNoAddress
}

// The remote side of users over a broker (in one process here: the NATS
// transport has its own tests): the caller as users says, kept for the
// cache's time and no longer, a sign-out effective once it has passed; the
// address contract's typed "no address".
func TestRemoteUsers(t *testing.T) {
	ctx := context.Background()
	ann := uuid.New()
	s := &sessions{who: auth.Principal{UserID: ann, Name: "Ann", Roles: []string{auth.RoleAdmin}}}
	s.valid.Store(true)
	b := broker.New()
	if err := infrastructure.RegisterRemote(b, s, addresses{ann: {Line1: "1 Main St", City: "Leeds", Country: "GB"}}); err != nil {
		t.Fatal(err)
	}
	clock := clocktest.New(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	authn := infrastructure.NewRemoteAuthenticator(b, 5*time.Second, 2, clock.Now)
	addr := infrastructure.NewRemoteAddresses(b)
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}

	p, err := authn.Authenticate(ctx, "good")
	if err != nil || p.UserID != ann || p.Name != "Ann" || !p.IsAdmin() {
		t.Fatalf("Authenticate = %+v, %v, want Ann, an admin", p, err)
	}
	if _, err := authn.Authenticate(ctx, "bad"); !errors.Is(err, errs.Unauthenticated) {
		t.Errorf("a bad token: %v, want unauthenticated", err)
	}
	s.valid.Store(false) // signed out in the users process
	clock.Advance(4 * time.Second)
	if p, err := authn.Authenticate(ctx, "good"); err != nil || p.UserID != ann {
		t.Errorf("within the cache's time: %+v, %v, want Ann still", p, err)
	}
	if n := s.asks.Load(); n != 2 {
		t.Errorf("users asked %d times, want 2 (the cached token not again)", n)
	}
	clock.Advance(time.Second + time.Millisecond)
	if _, err := authn.Authenticate(ctx, "good"); !errors.Is(err, errs.Unauthenticated) {
		t.Errorf("after the cache's time: %v, want the sign-out to hold", err)
	}

	if a, err := addr.DeliveryAddress(ctx, ann); err != nil || a.City != "Leeds" || a.Line1 != "1 Main St" {
		t.Errorf("DeliveryAddress(ann) = %+v, %v", a, err)
	}
	if _, err := addr.DeliveryAddress(ctx, uuid.New()); !errors.Is(err, contracts.ErrNoAddress) {
		t.Errorf("DeliveryAddress(no one) = %v, want contracts.ErrNoAddress", err)
	}
}

// The cache holds at most its limit: a burst of new tokens never grows it
// beyond.
func TestRemoteAuthenticatorIsBounded(t *testing.T) {
	ctx := context.Background()
	b := broker.New()
	var asks atomic.Int64
	if err := broker.Handle(b, infrastructure.Authenticate, func(_ context.Context, r struct{ Token string }) (struct{ UserID uuid.UUID }, error) {
		asks.Add(1)
		return struct{ UserID uuid.UUID }{uuid.New()}, nil
	}); err != nil {
		t.Fatal(err)
	}
	clock := clocktest.New(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	authn := infrastructure.NewRemoteAuthenticator(b, time.Minute, 3, clock.Now)
	for _, tok := range []string{"a", "b", "c", "d", "a", "a"} {
		if _, err := authn.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	// a, b, c cached; d made room by clearing (none had expired); then a
	// was asked again and is cached from then on.
	if n := asks.Load(); n != 5 {
		t.Errorf("users asked %d times, want 5", n)
	}
}

// An ask that runs out of time is users being unavailable (503), not an
// unexpected failure (500).
func TestRemoteUsersTimeOutAsUnavailable(t *testing.T) {
	b := broker.New()
	slow := func(ctx context.Context, _ struct{ Token string }) (struct{}, error) {
		<-ctx.Done()
		return struct{}{}, ctx.Err()
	}
	if err := broker.Handle(b, infrastructure.Authenticate, slow); err != nil {
		t.Fatal(err)
	}
	authn := infrastructure.NewRemoteAuthenticator(b, time.Second, 10, time.Now)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := authn.Authenticate(ctx, "tok"); !errors.Is(err, errs.Unavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Authenticate past its deadline = %v, want unavailable (wrapping the deadline)", err)
	}
}
