// Package auth carries who is calling through a request's context, so every
// context can authorise without importing users: users resolves a bearer token
// to a Principal, the app puts it in the context, services read it back. It is
// a pure part of shared.
package auth

import (
	"context"
	"slices"

	"github.com/google/uuid"
)

// The roles. Every account is a customer; some are also admins.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
)

// A Principal is a signed-in user as every context sees them.
type Principal struct {
	UserID uuid.UUID
	Name   string
	Roles  []string
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
