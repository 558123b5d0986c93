package service

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

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
