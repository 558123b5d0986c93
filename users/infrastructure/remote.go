package infrastructure

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

// The names users answers on the broker, for processes that do not run the
// users context (bookapp serve -contexts books,orders): what it offers in
// one process through web.Authenticator and contracts.AddressProvider.
const (
	Authenticate    = "users.authenticate"
	DeliveryAddress = "users.delivery-address"
)

// The broker's types of those names. The asking side below is users' own
// code too, run in the other process: a context's client of its own names.
type (
	tokenRequest struct{ Token string }
	callerReply  struct {
		UserID uuid.UUID
		Name   string
		Roles  []string
	}
	addressRequest struct{ UserID uuid.UUID }
	addressReply   struct {
		Found                                 bool // false: the account has set none
		Line1, Line2, City, Postcode, Country string
	}
)

// RegisterRemote registers the handlers of Authenticate (with authn) and
// DeliveryAddress (with addresses) on b.
func RegisterRemote(b *broker.Broker, authn web.Authenticator, addresses contracts.AddressProvider) error {
	err := broker.Handle(b, Authenticate, func(ctx context.Context, r tokenRequest) (callerReply, error) {
		p, err := authn.Authenticate(ctx, r.Token)
		return callerReply{UserID: p.UserID, Name: p.Name, Roles: p.Roles}, err
	})
	if err != nil {
		return err
	}
	return broker.Handle(b, DeliveryAddress, func(ctx context.Context, r addressRequest) (addressReply, error) {
		a, err := addresses.DeliveryAddress(ctx, r.UserID)
		if errors.Is(err, contracts.ErrNoAddress) {
			return addressReply{}, nil // the contract's typed answer, not a failure
		}
		return addressReply{Found: true, Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country}, err
	})
}

// RemoteAuthenticator resolves bearer tokens by asking Authenticate, for a
// process without the users context. It keeps what it learns for a short
// time, so that a request does not cost an ask: a token signed out (or
// expired) elsewhere is still accepted here for at most that time.
type RemoteAuthenticator struct {
	ask   func(context.Context, tokenRequest) (callerReply, error)
	ttl   time.Duration
	max   int
	now   func() time.Time
	mu    sync.Mutex
	cache map[[sha256.Size]byte]cachedCaller // by the token's hash: no token kept in memory
}

type cachedCaller struct {
	p       auth.Principal
	expires time.Time
}

var _ web.Authenticator = (*RemoteAuthenticator)(nil)

// NewRemoteAuthenticator returns a RemoteAuthenticator asking over b, which
// keeps up to max callers for ttl each (no cache when ttl is 0).
func NewRemoteAuthenticator(b *broker.Broker, ttl time.Duration, max int, now func() time.Time) *RemoteAuthenticator {
	return &RemoteAuthenticator{ask: broker.Expect[tokenRequest, callerReply](b, Authenticate).Ask,
		ttl: ttl, max: max, now: now, cache: make(map[[sha256.Size]byte]cachedCaller)}
}

// Authenticate returns the caller token belongs to, from the cache or from
// the users context.
func (a *RemoteAuthenticator) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	key := sha256.Sum256([]byte(token))
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[key]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.p, nil
	}
	r, err := a.ask(ctx, tokenRequest{Token: token})
	if err != nil {
		return auth.Principal{}, unavailable(ctx, err)
	}
	p := auth.Principal{UserID: r.UserID, Name: r.Name, Roles: r.Roles}
	if a.ttl > 0 {
		a.mu.Lock()
		if len(a.cache) >= a.max {
			a.evict(now)
		}
		a.cache[key] = cachedCaller{p: p, expires: now.Add(a.ttl)}
		a.mu.Unlock()
	}
	return p, nil
}

// evict makes room: it drops the expired entries, or all of them if none
// had expired (a burst of new tokens; they are asked again). a.mu is held.
func (a *RemoteAuthenticator) evict(now time.Time) {
	for k, c := range a.cache {
		if !now.Before(c.expires) {
			delete(a.cache, k)
		}
	}
	if len(a.cache) >= a.max {
		clear(a.cache)
	}
}

// RemoteAddresses is contracts.AddressProvider for a process without the
// users context: it asks DeliveryAddress, and answers contracts.ErrNoAddress
// as the in-process provider does.
type RemoteAddresses struct {
	ask func(context.Context, addressRequest) (addressReply, error)
}

var _ contracts.AddressProvider = (*RemoteAddresses)(nil)

// NewRemoteAddresses returns a RemoteAddresses asking over b.
func NewRemoteAddresses(b *broker.Broker) *RemoteAddresses {
	return &RemoteAddresses{ask: broker.Expect[addressRequest, addressReply](b, DeliveryAddress).Ask}
}

// DeliveryAddress returns the delivery address of account userID, or
// contracts.ErrNoAddress.
func (p *RemoteAddresses) DeliveryAddress(ctx context.Context, userID uuid.UUID) (contracts.Address, error) {
	r, err := p.ask(ctx, addressRequest{UserID: userID})
	switch {
	case err != nil:
		return contracts.Address{}, unavailable(ctx, err)
	case !r.Found:
		return contracts.Address{}, contracts.ErrNoAddress
	}
	return contracts.Address{Line1: r.Line1, Line2: r.Line2, City: r.City, Postcode: r.Postcode, Country: r.Country}, nil
}

// ErrUsersUnavailable is what a process without users answers when users
// does not: its ask failed without a kind (it ran out of time, say).
var ErrUsersUnavailable = errs.New(errs.Unavailable, "accounts are unavailable; try again shortly")

// unavailable keeps err when it has a kind (users' own answer, or the bus's
// unavailable) or is the caller's cancellation, and makes it
// ErrUsersUnavailable otherwise, so that a slow users context is a 503, not
// a 500.
func unavailable(ctx context.Context, err error) error {
	if errs.KindOf(err) != nil || (errors.Is(err, context.Canceled) && ctx.Err() != nil) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUsersUnavailable, err)
}
