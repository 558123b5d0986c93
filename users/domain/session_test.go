package domain_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

func TestNewSession(t *testing.T) {
	t.Parallel()
	userID := uuid.Must(uuid.NewV7())
	s, token := domain.NewSession(userID, now, 2*time.Hour)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: want 32 bytes of unpadded base64url, got %d bytes (err %v)", token, len(raw), err)
	}
	sum := sha256.Sum256([]byte(token))
	if !bytes.Equal(s.TokenHash(), sum[:]) {
		t.Errorf("TokenHash() = %x, want the SHA-256 of the token %x", s.TokenHash(), sum)
	}
	if s.UserID() != userID {
		t.Errorf("UserID() = %v, want %v", s.UserID(), userID)
	}
	if !s.CreatedAt().Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("CreatedAt() = %v, want %v", s.CreatedAt(), now)
	}
	if got, want := s.ExpiresAt().Sub(s.CreatedAt()), 2*time.Hour; got != want {
		t.Errorf("ExpiresAt() - CreatedAt() = %v, want %v", got, want)
	}
	hash, err := domain.HashToken(token)
	if err != nil || !bytes.Equal(hash, s.TokenHash()) {
		t.Errorf("HashToken(token) = %x, %v; want %x", hash, err, s.TokenHash())
	}
}

func TestNewSessionTokensAreDistinct(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 1000 {
		_, token := domain.NewSession(uuid.Nil, now, time.Hour)
		if seen[token] {
			t.Fatalf("token %q issued twice", token)
		}
		seen[token] = true
	}
}

func TestHashTokenRejectsMalformed(t *testing.T) {
	t.Parallel()
	_, good := domain.NewSession(uuid.Nil, now, time.Hour)
	for _, token := range []string{
		"",
		"Bearer " + good,
		good[:42],
		good + "A",
		good + "=",
		strings.Repeat("!", 43),
		"+" + good[1:], // standard, not URL, alphabet
	} {
		if _, err := domain.HashToken(token); !errors.Is(err, domain.ErrInvalidToken) || !errors.Is(err, errs.Unauthenticated) {
			t.Errorf("HashToken(%q) error = %v, want ErrInvalidToken (unauthenticated)", token, err)
		}
	}
}
