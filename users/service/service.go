package service

import (
	"context"
	"sync"
	"time"

	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

// The errors the service returns beyond field validation (errs.Invalid); each
// wraps an errs kind, which is what the app maps to a status.
var (
	ErrEmailTaken     = domain.ErrEmailTaken     // errs.Conflict (409)
	ErrUserNotFound   = domain.ErrUserNotFound   // errs.NotFound (404)
	ErrBadCredentials = domain.ErrBadCredentials // errs.Unauthenticated (401)
	ErrLockedOut      = domain.ErrLockedOut      // errs.TooManyRequests (429)
	ErrInvalidToken   = domain.ErrInvalidToken   // errs.Unauthenticated (401)
)

// A Store keeps accounts, password hashes, sessions, sign-in failures and
// addresses; *persistence.Store is the one the module uses.
type Store interface {
	CreateUser(ctx context.Context, u *domain.User, passwordHash string) error
	Credentials(ctx context.Context, email string) (uuid.UUID, string, error)
	SetPasswordHash(ctx context.Context, id uuid.UUID, hash string, now time.Time) error
	ReserveLoginAttempt(ctx context.Context, email string, now time.Time, window time.Duration, limit int) (uuid.UUID, error)
	ForgetLoginAttempt(ctx context.Context, id uuid.UUID) error
	CreateSession(ctx context.Context, s domain.Session) error
	RevokeSession(ctx context.Context, tokenHash []byte, now time.Time) error
	UserBySession(ctx context.Context, tokenHash []byte, now time.Time) (*domain.User, error)
	UserByID(ctx context.Context, id uuid.UUID) (*domain.User, error)
	Address(ctx context.Context, userID uuid.UUID) (domain.Address, error)
	SetAddress(ctx context.Context, userID uuid.UUID, a domain.Address, now time.Time) error
}

// A Hasher hashes passwords and verifies them against stored hashes;
// *infrastructure.Argon2id is the one the module uses.
type Hasher interface {
	// Hash returns a self-describing hash of password with a fresh salt.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded, in constant time.
	Verify(password, encoded string) (bool, error)
	// NeedsRehash reports whether encoded was made with other parameters
	// than Hash uses now.
	NeedsRehash(encoded string) bool
}

// Options tune the service; the zero value is the API's defaults.
type Options struct {
	// TokenTTL is how long a bearer token stays valid after sign-in;
	// zero means domain.DefaultTokenTTL (24 hours).
	TokenTTL time.Duration
}

// Service is the users context's use cases.
type Service struct {
	store    Store
	hasher   Hasher
	now      func() time.Time
	tokenTTL time.Duration
	// dummyHash is what Login verifies a password against when the email
	// has no account, made once with the hasher's current parameters.
	dummyHash func() (string, error)
}

// New returns a Service over store and hasher that reads the time from now
// (nil means time.Now).
func New(store Store, hasher Hasher, now func() time.Time, opts Options) *Service {
	if now == nil {
		now = time.Now
	}
	ttl := opts.TokenTTL
	if ttl <= 0 {
		ttl = domain.DefaultTokenTTL
	}
	return &Service{
		store:     store,
		hasher:    hasher,
		now:       now,
		tokenTTL:  ttl,
		dummyHash: sync.OnceValues(func() (string, error) { return hasher.Hash("not a password anyone has") }),
	}
}
