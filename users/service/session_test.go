package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/domain"
	"example.com/bookapp/users/service"
	"github.com/google/uuid"
)

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		opts service.Options
		ttl  time.Duration
	}{
		{"default lifetime", service.Options{}, 24 * time.Hour},
		{"configured lifetime", service.Options{TokenTTL: 90 * time.Minute}, 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tt.opts)
			f.mustRegister(t, "jane@example.com", "Jane")
			start := f.clock.Now()
			tok := f.mustLogin(t, "jane@example.com", password)
			if !tok.ExpiresAt.Equal(start.Add(tt.ttl)) {
				t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, start.Add(tt.ttl))
			}
			f.clock.Advance(tt.ttl - time.Microsecond)
			if _, err := f.svc.Authenticate(ctx, tok.Token); err != nil {
				t.Errorf("Authenticate just before expiry: %v", err)
			}
			f.clock.Advance(time.Microsecond)
			if _, err := f.svc.Authenticate(ctx, tok.Token); !errors.Is(err, service.ErrInvalidToken) || !errors.Is(err, errs.Unauthenticated) {
				t.Errorf("Authenticate at expiry: error %v, want ErrInvalidToken (unauthenticated)", err)
			}
			if err := f.svc.Logout(ctx, tok.Token); !errors.Is(err, service.ErrInvalidToken) {
				t.Errorf("Logout of an expired token: error %v, want ErrInvalidToken", err)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	phone := f.mustLogin(t, "jane@example.com", password)
	laptop := f.mustLogin(t, "jane@example.com", password)

	if err := f.svc.Logout(ctx, phone.Token); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, phone.Token); !errors.Is(err, service.ErrInvalidToken) {
		t.Errorf("Authenticate after Logout: error %v, want ErrInvalidToken", err)
	}
	if err := f.svc.Logout(ctx, phone.Token); !errors.Is(err, service.ErrInvalidToken) {
		t.Errorf("second Logout: error %v, want ErrInvalidToken", err)
	}
	if _, err := f.svc.Authenticate(ctx, laptop.Token); err != nil {
		t.Errorf("the other session stopped working: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users.sessions WHERE revoked_at = $1`, f.clock.Now()); n != 1 {
		t.Errorf("%d sessions revoked now, want 1", n)
	}
}

func TestAuthenticateRejectsBadTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	valid := f.mustLogin(t, "jane@example.com", password)
	_, unknown := domain.NewSession(uuid.Nil, f.clock.Now(), time.Hour) // well-formed, never stored
	for name, token := range map[string]string{
		"empty":                "",
		"garbage":              "not a token",
		"unknown":              unknown,
		"with a bearer scheme": "Bearer " + valid.Token,
		"truncated":            valid.Token[:len(valid.Token)-1],
		"changed":              valid.Token[:len(valid.Token)-1] + flip(valid.Token[len(valid.Token)-1]),
	} {
		if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, service.ErrInvalidToken) {
			t.Errorf("%s: Authenticate(%q) error = %v, want ErrInvalidToken", name, token, err)
		}
		if err := f.svc.Logout(ctx, token); !errors.Is(err, service.ErrInvalidToken) {
			t.Errorf("%s: Logout(%q) error = %v, want ErrInvalidToken", name, token, err)
		}
	}
	if _, err := f.svc.Authenticate(ctx, valid.Token); err != nil {
		t.Errorf("the valid token stopped working: %v", err)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// BenchmarkAuthenticate measures the token check every authenticated request
// pays: one SHA-256 and one indexed query, against a valid database with a
// thousand live sessions.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, service.Options{})
	f.mustRegister(b, "jane@example.com", "Jane")
	var tok service.Token
	for range 1000 {
		tok = f.mustLogin(b, "jane@example.com", password)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.svc.Authenticate(ctx, tok.Token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.svc.Authenticate(ctx, tok.Token); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
