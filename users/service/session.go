package service

import (
	"context"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/users/domain"
)

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
