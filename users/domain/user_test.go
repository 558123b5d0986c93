package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/domain"
	"github.com/google/go-cmp/cmp"
)

var now = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

const goodPassword = "correct horse battery"

func TestNewUser(t *testing.T) {
	t.Parallel()
	u, err := domain.NewUser("  Jane.Doe@Example.COM ", "  Jane Doe ", goodPassword, now)
	if err != nil {
		t.Fatalf("NewUser: %v", err)
	}
	if got, want := u.Email(), "jane.doe@example.com"; got != want {
		t.Errorf("Email() = %q, want %q", got, want)
	}
	if got, want := u.Name(), "Jane Doe"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{auth.RoleCustomer}, u.Roles()); diff != "" {
		t.Errorf("Roles() (-want +got):\n%s", diff)
	}
	if got := u.ID().Version(); got != 7 {
		t.Errorf("ID() is a version %d UUID, want 7", got)
	}
	// PostgreSQL keeps microseconds: the domain hands it a time that survives
	// the round trip unchanged.
	if got, want := u.CreatedAt(), time.Date(2026, 3, 14, 14, 9, 26, 535897000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("CreatedAt() = %v, want %v", got, want)
	}
	other, err := domain.NewUser("jane.doe@example.com", "Jane", goodPassword, now)
	if err != nil {
		t.Fatalf("NewUser: %v", err)
	}
	if other.ID() == u.ID() {
		t.Errorf("two users got the same id %v", u.ID())
	}
}

func TestNewUserValidation(t *testing.T) {
	t.Parallel()
	local64 := strings.Repeat("a", 64)
	// 64 + 1 + 189 = 254 bytes: the longest email allowed.
	longest := local64 + "@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 63) + ".org"
	if len(longest) != 254 {
		t.Fatalf("test setup: len(longest) = %d", len(longest))
	}
	tests := []struct {
		name             string
		email, uname, pw string
		want             map[string]string // nil: valid
	}{
		{name: "valid", email: "jane@example.com", uname: "Jane", pw: goodPassword},
		{name: "email of 254 bytes", email: longest, uname: "Jane", pw: goodPassword},
		{name: "email with plus and subdomain", email: "jane+books@mail.example.co.uk", uname: "Jane", pw: goodPassword},
		{name: "name of 100 characters", email: "jane@example.com", uname: strings.Repeat("é", 100), pw: goodPassword},
		{name: "name with inner spaces and accents", email: "jane@example.com", uname: "Zoë van der Berg", pw: goodPassword},
		{name: "password of 10 characters", email: "jane@example.com", uname: "Jane", pw: "0123456789"},
		{name: "password of 10 two-byte characters", email: "jane@example.com", uname: "Jane", pw: strings.Repeat("é", 10)},
		{name: "password of 128 characters", email: "jane@example.com", uname: "Jane", pw: strings.Repeat("p", 128)},
		{name: "password of spaces", email: "jane@example.com", uname: "Jane", pw: strings.Repeat(" ", 10)},

		{name: "email empty", email: "", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "is required"}},
		{name: "email blank", email: "   ", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "is required"}},
		{name: "email without at", email: "jane.example.com", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "email without domain", email: "jane@", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "email with display name", email: "Jane <jane@example.com>", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "email in angle brackets", email: "<jane@example.com>", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "two emails", email: "jane@example.com, joe@example.com", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "email with inner space", email: "jane doe@example.com", uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be an email address such as jane@example.com"}},
		{name: "email of 255 bytes", email: "a" + longest, uname: "Jane", pw: goodPassword,
			want: map[string]string{"email": "must be at most 254 characters"}},
		{name: "name empty", email: "jane@example.com", uname: "", pw: goodPassword,
			want: map[string]string{"name": "is required"}},
		{name: "name blank", email: "jane@example.com", uname: " \t ", pw: goodPassword,
			want: map[string]string{"name": "is required"}},
		{name: "name of 101 characters", email: "jane@example.com", uname: strings.Repeat("é", 101), pw: goodPassword,
			want: map[string]string{"name": "must be at most 100 characters"}},
		{name: "name with a control character", email: "jane@example.com", uname: "Jane\x00Doe", pw: goodPassword,
			want: map[string]string{"name": "must not contain control characters"}},
		{name: "name not UTF-8", email: "jane@example.com", uname: "Jane \xff", pw: goodPassword,
			want: map[string]string{"name": "must be valid UTF-8"}},
		{name: "password of 9 characters", email: "jane@example.com", uname: "Jane", pw: "012345678",
			want: map[string]string{"password": "must be at least 10 characters"}},
		{name: "password of 9 two-byte characters (18 bytes)", email: "jane@example.com", uname: "Jane", pw: strings.Repeat("é", 9),
			want: map[string]string{"password": "must be at least 10 characters"}},
		{name: "password empty", email: "jane@example.com", uname: "Jane", pw: "",
			want: map[string]string{"password": "must be at least 10 characters"}},
		{name: "password of 129 characters", email: "jane@example.com", uname: "Jane", pw: strings.Repeat("p", 129),
			want: map[string]string{"password": "must be at most 128 characters"}},
		{name: "every field at fault", email: "nope", uname: "", pw: "short",
			want: map[string]string{
				"email":    "must be an email address such as jane@example.com",
				"name":     "is required",
				"password": "must be at least 10 characters",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := domain.NewUser(tt.email, tt.uname, tt.pw, now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewUser(%q, %q, %q) = %v, want success", tt.email, tt.uname, tt.pw, err)
				}
				if u == nil {
					t.Fatal("NewUser returned a nil user and no error")
				}
				return
			}
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("NewUser(%q, %q, %q) error = %v, want errs.Invalid", tt.email, tt.uname, tt.pw, err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
			if u != nil {
				t.Errorf("NewUser returned a user with its error")
			}
		})
	}
}

func TestUserRoles(t *testing.T) {
	t.Parallel()
	u, err := domain.NewUser("admin@example.com", "Admin", goodPassword, now)
	if err != nil {
		t.Fatal(err)
	}
	roles := u.Roles()
	roles[0] = auth.RoleAdmin
	if diff := cmp.Diff([]string{auth.RoleCustomer}, u.Roles()); diff != "" {
		t.Errorf("changing the slice Roles returned changed the user (-want +got):\n%s", diff)
	}
	u.MakeAdmin()
	u.MakeAdmin()
	if diff := cmp.Diff([]string{auth.RoleCustomer, auth.RoleAdmin}, u.Roles()); diff != "" {
		t.Errorf("roles after MakeAdmin twice (-want +got):\n%s", diff)
	}
	want := auth.Principal{UserID: u.ID(), Name: "Admin", Roles: []string{auth.RoleCustomer, auth.RoleAdmin}}
	if diff := cmp.Diff(want, u.Principal()); diff != "" {
		t.Errorf("Principal() (-want +got):\n%s", diff)
	}
	if !u.Principal().IsAdmin() {
		t.Error("Principal().IsAdmin() = false after MakeAdmin")
	}
}

func TestRestoreUser(t *testing.T) {
	t.Parallel()
	orig, err := domain.NewUser("jane@example.com", "Jane", goodPassword, now)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{auth.RoleCustomer}
	u := domain.RestoreUser(domain.StoredUser{ID: orig.ID(), Email: orig.Email(), Name: orig.Name(), Roles: roles, CreatedAt: orig.CreatedAt()})
	roles[0] = "changed"
	got := []any{u.ID(), u.Email(), u.Name(), u.Roles(), u.CreatedAt()}
	want := []any{orig.ID(), orig.Email(), orig.Name(), orig.Roles(), orig.CreatedAt()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restored user (-want +got):\n%s", diff)
	}
}

func TestCanonicalEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"jane@example.com":    "jane@example.com",
		" Jane@Example.COM\t": "jane@example.com",
		"not an email":        "not an email",
		"ÉLODIE@EXAMPLE.FR":   "élodie@example.fr",
		"":                    "",
	} {
		if got := domain.CanonicalEmail(in); got != want {
			t.Errorf("CanonicalEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
