// Package auth carries who is calling through a request's context, so every
// context can authorise without importing users: users resolves a bearer token
// to a Principal, the app puts it in the context, services read it back. It is
// a pure part of shared.
package auth

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"example.com/bookapp/shared/errs"
)

// The two refusals every context's services share, so a caller meets one
// message and one status for each whatever context it calls.
var (
	// ErrSignIn refuses a use case that needs a signed-in caller to an
	// anonymous one (errs.Unauthenticated, 401).
	ErrSignIn = errs.New(errs.Unauthenticated, "Sign in first.")
	// ErrAdminsOnly refuses an administrator's use case to anyone else
	// (errs.Forbidden, 403).
	ErrAdminsOnly = errs.New(errs.Forbidden, "Only an administrator may do this.")
)

// The roles. Every account is a customer; some are also admins.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
)

// A Principal is a caller as every context sees them: a signed-in user, or
// the zero Principal for an anonymous caller. Services take it as a
// parameter (after the context), never from the context, so what a use case
// needs to know about its caller is in its signature.
type Principal struct {
	UserID uuid.UUID
	Name   string
	Roles  []string
}

// SignedIn reports whether p is a signed-in user rather than anonymous.
func (p Principal) SignedIn() bool { return p.UserID != uuid.Nil }

// RequireSignedIn returns nil for a signed-in p, ErrSignIn otherwise.
func RequireSignedIn(p Principal) error {
	if !p.SignedIn() {
		return ErrSignIn
	}
	return nil
}

// RequireAdmin returns nil for a signed-in administrator, ErrSignIn for an
// anonymous caller and ErrAdminsOnly for anyone else.
func RequireAdmin(p Principal) error {
	switch {
	case !p.SignedIn():
		return ErrSignIn
	case !p.IsAdmin():
		return ErrAdminsOnly
	}
	return nil
}

// HasRole reports whether p holds role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// IsAdmin reports whether p holds the admin role.
func (p Principal) IsAdmin() bool { return p.HasRole(RoleAdmin) }

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the Principal ctx carries, and false for an anonymous
// caller.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
