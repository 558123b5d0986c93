package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/google/uuid"
)

// The sign-in rules.
const (
	// DefaultTokenTTL is how long a bearer token stays valid unless the
	// service is configured otherwise.
	DefaultTokenTTL = 24 * time.Hour

	// MaxLoginFailures failed sign-ins for one email within LockoutWindow
	// lock that email out: further attempts are refused, even with the right
	// password, until the oldest of them leaves the window.
	MaxLoginFailures = 10
	LockoutWindow    = 15 * time.Minute
)

// tokenBytes is the entropy of a bearer token: 256 random bits, well above
// the 128 the API promises, sent as 43 characters of unpadded base64url.
const tokenBytes = 32

var tokenEncoding = base64.RawURLEncoding

// A Session is one sign-in: the bearer token it was issued, known only by its
// SHA-256 (the token itself is given to the client once and never stored),
// whose account it is and how long it lasts.
type Session struct {
	tokenHash []byte
	userID    uuid.UUID
	createdAt time.Time
	expiresAt time.Time
}

// NewSession starts a session for userID lasting ttl from now, and returns it
// with its bearer token, which only the client keeps.
func NewSession(userID uuid.UUID, now time.Time, ttl time.Duration) (Session, string) {
	var b [tokenBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails: it crashes the program rather than return weak bytes
	token := tokenEncoding.EncodeToString(b[:])
	hash, _ := HashToken(token) // well-formed by construction
	now = storageTime(now)
	return Session{tokenHash: hash, userID: userID, createdAt: now, expiresAt: now.Add(ttl)}, token
}

// HashToken returns the SHA-256 of a bearer token, the only form in which a
// token is stored and looked up. A string that cannot be a token NewSession
// issued gets ErrInvalidToken, without a database round trip.
func HashToken(token string) ([]byte, error) {
	if len(token) != tokenEncoding.EncodedLen(tokenBytes) {
		return nil, ErrInvalidToken
	}
	if _, err := tokenEncoding.DecodeString(token); err != nil {
		return nil, ErrInvalidToken
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], nil
}

// TokenHash returns the SHA-256 of the session's token.
func (s Session) TokenHash() []byte { return s.tokenHash }

// UserID returns the id of the account signed in.
func (s Session) UserID() uuid.UUID { return s.userID }

// CreatedAt returns when the session started.
func (s Session) CreatedAt() time.Time { return s.createdAt }

// ExpiresAt returns when the token stops working.
func (s Session) ExpiresAt() time.Time { return s.expiresAt }
