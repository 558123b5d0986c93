package domain

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// The limits of an account's fields, as the API documents them. Lengths of
// names and passwords count characters (runes); the email limit is RFC 5321's,
// in bytes.
const (
	MaxEmailLen    = 254
	MaxNameLen     = 100
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// A User is an account: who someone is (email, name) and what they may do
// (roles). Its email is stored lower-cased, and two accounts never share one.
// Its password is not part of it: only a hash is kept, by the persistence
// layer, beside the account.
type User struct {
	id        uuid.UUID
	email     string
	name      string
	roles     []string
	createdAt time.Time
}

// NewUser returns a new customer account with a fresh UUIDv7 id. It checks
// email, name and password together and returns one errs.Invalid error naming
// every field at fault ("email", "name", "password"). The email is trimmed and
// lower-cased and the name trimmed; the password is checked against the
// policy (MinPasswordLen..MaxPasswordLen characters) but not kept.
func NewUser(email, name, password string, now time.Time) (*User, error) {
	f := errs.Fields{}
	email = checkEmail(f, "email", email)
	name = f.Line("name", name, true, MaxNameLen)
	checkPassword(f, "password", password)
	if err := f.Err(errs.Invalid); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new user id: %w", err)
	}
	return &User{
		id:        id,
		email:     email,
		name:      name,
		roles:     []string{auth.RoleCustomer},
		createdAt: storageTime(now),
	}, nil
}

// StoredUser is an account as the persistence layer reads it back.
type StoredUser struct {
	ID        uuid.UUID
	Email     string
	Name      string
	Roles     []string
	CreatedAt time.Time
}

// RestoreUser rebuilds a User from a stored row, which was valid when it was
// written; it checks nothing. Only the persistence layer should call it.
func RestoreUser(s StoredUser) *User {
	return &User{id: s.ID, email: s.Email, name: s.Name, roles: slices.Clone(s.Roles), createdAt: s.CreatedAt.UTC()}
}

// ID returns the account's id.
func (u *User) ID() uuid.UUID { return u.id }

// Email returns the account's email, lower-cased.
func (u *User) Email() string { return u.email }

// Name returns the account's display name.
func (u *User) Name() string { return u.name }

// Roles returns a copy of the account's roles (auth.RoleCustomer,
// auth.RoleAdmin).
func (u *User) Roles() []string { return slices.Clone(u.roles) }

// CreatedAt returns when the account was registered.
func (u *User) CreatedAt() time.Time { return u.createdAt }

// MakeAdmin grants the account the admin role; it is a no-op for an admin.
func (u *User) MakeAdmin() {
	if !slices.Contains(u.roles, auth.RoleAdmin) {
		u.roles = append(u.roles, auth.RoleAdmin)
	}
}

// Principal returns the account as every context sees a signed-in caller.
func (u *User) Principal() auth.Principal {
	return auth.Principal{UserID: u.id, Name: u.name, Roles: u.Roles()}
}

// CanonicalEmail returns the form under which an email is stored and looked
// up: trimmed and lower-cased. Sign-in uses it as given, without validation:
// an invalid email simply matches no account.
func CanonicalEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// checkEmail checks that value, trimmed, is a bare email address (jane@example.com,
// not "Jane <jane@example.com>") of at most MaxEmailLen bytes, and returns it
// in canonical form.
func checkEmail(f errs.Fields, field, value string) string {
	v := strings.TrimSpace(value)
	addr, err := mail.ParseAddress(v)
	f.Check(field, v == "", "is required")
	f.Check(field, err != nil || addr.Name != "" || addr.Address != v, "must be an email address such as jane@example.com")
	f.Check(field, len(v) > MaxEmailLen, fmt.Sprintf("must be at most %d characters", MaxEmailLen))
	return CanonicalEmail(v)
}

// checkPassword checks the password policy. Passwords are taken as typed: no
// trimming, any characters.
func checkPassword(f errs.Fields, field, value string) {
	n := utf8.RuneCountInString(value)
	f.Check(field, n < MinPasswordLen, fmt.Sprintf("must be at least %d characters", MinPasswordLen))
	f.Check(field, n > MaxPasswordLen, fmt.Sprintf("must be at most %d characters", MaxPasswordLen))
}

// storageTime returns t in UTC at the microsecond precision PostgreSQL keeps,
// so that a value read back equals the one written.
func storageTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
