package infrastructure

import (
	"context"
	"fmt"
	"time"

	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

// The environment variables that name the administrator account the app
// creates or updates at start-up.
const (
	EnvAdminEmail    = "BOOKAPP_ADMIN_EMAIL"
	EnvAdminPassword = "BOOKAPP_ADMIN_PASSWORD"
)

// DefaultAdminName is the display name of an administrator account created
// from the environment.
const DefaultAdminName = "Administrator"

// AdminCredentials say which account to make an administrator, and with which
// password.
type AdminCredentials struct {
	Email, Password, Name string
}

// AdminFromEnv reads the administrator's credentials from EnvAdminEmail and
// EnvAdminPassword through getenv (os.Getenv, or a map in tests). It returns
// false when neither is set, and an error when only one is: half a
// configuration is a mistake to stop start-up for, not to ignore.
func AdminFromEnv(getenv func(string) string) (AdminCredentials, bool, error) {
	email, password := getenv(EnvAdminEmail), getenv(EnvAdminPassword)
	switch {
	case email == "" && password == "":
		return AdminCredentials{}, false, nil
	case email == "" || password == "":
		return AdminCredentials{}, false, fmt.Errorf("set both %s and %s, or neither", EnvAdminEmail, EnvAdminPassword)
	}
	return AdminCredentials{Email: email, Password: password, Name: DefaultAdminName}, true, nil
}

// An AdminStore stores administrator accounts; *persistence.Store is one.
type AdminStore interface {
	// EnsureAdmin creates u with passwordHash or, when an account has u's
	// email, gives it the admin role and passwordHash; it returns the id.
	EnsureAdmin(ctx context.Context, u *domain.User, passwordHash string) (uuid.UUID, error)
}

// A PasswordHasher hashes a new password; *Argon2id is one.
type PasswordHasher interface {
	Hash(password string) (string, error)
}

// AdminBootstrap creates or updates the administrator account at start-up.
type AdminBootstrap struct {
	store  AdminStore
	hasher PasswordHasher
	now    func() time.Time
}

// NewAdminBootstrap returns an AdminBootstrap over store and hasher, reading
// the time from now.
func NewAdminBootstrap(store AdminStore, hasher PasswordHasher, now func() time.Time) *AdminBootstrap {
	return &AdminBootstrap{store: store, hasher: hasher, now: now}
}

// EnsureAdmin makes sure an account with c.Email exists, holds the admin role
// and signs in with c.Password: it creates the account (named c.Name) if
// there is none, and otherwise sets its password and adds the role, keeping
// its name. The credentials must pass the same checks as a registration
// (errs.Invalid otherwise). It is idempotent, and safe when several instances
// start at once. It returns the account's id.
func (b *AdminBootstrap) EnsureAdmin(ctx context.Context, c AdminCredentials) (uuid.UUID, error) {
	u, err := domain.NewUser(c.Email, c.Name, c.Password, b.now())
	if err != nil {
		return uuid.Nil, fmt.Errorf("admin account: %w", err)
	}
	u.MakeAdmin()
	hash, err := b.hasher.Hash(c.Password)
	if err != nil {
		return uuid.Nil, fmt.Errorf("admin account: %w", err)
	}
	id, err := b.store.EnsureAdmin(ctx, u, hash)
	if err != nil {
		return uuid.Nil, fmt.Errorf("admin account: %w", err)
	}
	return id, nil
}
