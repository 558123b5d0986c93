package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/shared/auth"
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

// RegisterInput is a registration as the client sends it.
type RegisterInput struct {
	Email, Name, Password string
}

// UserDTO is an account as clients see it.
type UserDTO struct {
	ID    uuid.UUID
	Email string // lower-cased
	Name  string
	Roles []string // auth.RoleCustomer, and auth.RoleAdmin for administrators
}

// Register creates a customer account. It returns errs.Invalid naming the
// fields at fault (email, name, password), or ErrEmailTaken when an account
// has the email in any case.
func (s *Service) Register(ctx context.Context, in RegisterInput) (UserDTO, error) {
	u, err := domain.NewUser(in.Email, in.Name, in.Password, s.now())
	if err != nil {
		return UserDTO{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return UserDTO{}, fmt.Errorf("hash password: %w", err)
	}
	if err := s.store.CreateUser(ctx, u, hash); err != nil {
		return UserDTO{}, err
	}
	return toUserDTO(u), nil
}

// Token is a bearer token and when it stops working.
type Token struct {
	Token     string
	ExpiresAt time.Time // UTC
}

// Login signs in with email and password and returns a new bearer token. It
// returns ErrBadCredentials for an unknown email and a wrong password alike,
// and ErrLockedOut while the email is locked out (see the package
// documentation).
func (s *Service) Login(ctx context.Context, email, password string) (Token, error) {
	email = domain.CanonicalEmail(email)
	if email == "" || len(email) > domain.MaxEmailLen || !printable(email) {
		return Token{}, ErrBadCredentials // no account can have it: nothing to count or check
	}
	now := s.now()
	attempt, err := s.store.ReserveLoginAttempt(ctx, email, now, domain.LockoutWindow, domain.MaxLoginFailures)
	if err != nil {
		return Token{}, err
	}
	userID, hash, err := s.store.Credentials(ctx, email)
	if errors.Is(err, domain.ErrUserNotFound) {
		dummy, err := s.dummyHash()
		if err != nil {
			return Token{}, fmt.Errorf("dummy hash: %w", err)
		}
		_, _ = s.hasher.Verify(password, dummy) // the work a real account costs
		return Token{}, ErrBadCredentials
	}
	if err != nil {
		return Token{}, err
	}
	ok, err := s.hasher.Verify(password, hash)
	if err != nil {
		return Token{}, fmt.Errorf("verify password of user %s: %w", userID, err)
	}
	if !ok {
		return Token{}, ErrBadCredentials // the attempt stays recorded as a failure
	}
	if err := s.store.ForgetLoginAttempt(ctx, attempt); err != nil {
		return Token{}, err
	}
	if s.hasher.NeedsRehash(hash) {
		if err := s.rehash(ctx, userID, password, now); err != nil {
			return Token{}, err
		}
	}
	sess, token := domain.NewSession(userID, now, s.tokenTTL)
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return Token{}, err
	}
	return Token{Token: token, ExpiresAt: sess.ExpiresAt()}, nil
}

// rehash replaces a hash made with old parameters, now that the password is
// known to be right.
func (s *Service) rehash(ctx context.Context, userID uuid.UUID, password string, now time.Time) error {
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return fmt.Errorf("rehash password: %w", err)
	}
	return s.store.SetPasswordHash(ctx, userID, hash, now)
}

// Logout revokes the session of token, which stops working at once. It
// returns ErrInvalidToken when token is not a live session's.
func (s *Service) Logout(ctx context.Context, token string) error {
	hash, err := domain.HashToken(token)
	if err != nil {
		return err
	}
	return s.store.RevokeSession(ctx, hash, s.now())
}

// Authenticate returns the signed-in caller that token belongs to, or
// ErrInvalidToken when it is malformed, unknown, expired or revoked. It runs
// on every authenticated request: one SHA-256 and one indexed query.
func (s *Service) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	hash, err := domain.HashToken(token)
	if err != nil {
		return auth.Principal{}, err
	}
	u, err := s.store.UserBySession(ctx, hash, s.now())
	if err != nil {
		return auth.Principal{}, err
	}
	return u.Principal(), nil
}

// MeDTO is the signed-in caller's own account.
type MeDTO struct {
	ID      uuid.UUID
	Email   string
	Name    string
	Roles   []string
	Address *AddressDTO // nil until set
}

// AddressDTO is a delivery address as clients see it.
type AddressDTO struct {
	Line1, Line2, City, Postcode, Country string
}

// Me returns the caller p's account with its delivery address; ErrUserNotFound
// if the account is gone, auth.ErrSignIn for an anonymous caller.
func (s *Service) Me(ctx context.Context, p auth.Principal) (MeDTO, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return MeDTO{}, err
	}
	userID := p.UserID
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return MeDTO{}, err
	}
	me := MeDTO{ID: u.ID(), Email: u.Email(), Name: u.Name(), Roles: u.Roles()}
	switch a, err := s.store.Address(ctx, userID); {
	case err == nil:
		dto := toAddressDTO(a)
		me.Address = &dto
	case !errors.Is(err, domain.ErrNoAddress):
		return MeDTO{}, err
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
func (s *Service) SetAddress(ctx context.Context, p auth.Principal, in AddressInput) (AddressDTO, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return AddressDTO{}, err
	}
	userID := p.UserID
	a, err := domain.NewAddress(in.Line1, in.Line2, in.City, in.Postcode, in.Country)
	if err != nil {
		return AddressDTO{}, err
	}
	if err := s.store.SetAddress(ctx, userID, a, s.now()); err != nil {
		return AddressDTO{}, err
	}
	return toAddressDTO(a), nil
}

func toUserDTO(u *domain.User) UserDTO {
	return UserDTO{ID: u.ID(), Email: u.Email(), Name: u.Name(), Roles: u.Roles()}
}

func toAddressDTO(a domain.Address) AddressDTO {
	return AddressDTO{Line1: a.Line1(), Line2: a.Line2(), City: a.City(), Postcode: a.Postcode(), Country: a.Country()}
}

// printable reports whether s is valid UTF-8 without control characters, as
// every stored email is; PostgreSQL would refuse a NUL byte outright.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
