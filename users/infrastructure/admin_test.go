package infrastructure_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/infrastructure"
	"example.com/bookapp/users/persistence"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestAdminFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    infrastructure.AdminCredentials
		wantOK  bool
		wantErr bool
	}{
		{name: "neither set", env: map[string]string{}},
		{name: "both set",
			env:    map[string]string{"BOOKAPP_ADMIN_EMAIL": "root@example.com", "BOOKAPP_ADMIN_PASSWORD": "0123456789"},
			want:   infrastructure.AdminCredentials{Email: "root@example.com", Password: "0123456789", Name: "Administrator"},
			wantOK: true},
		{name: "only email", env: map[string]string{"BOOKAPP_ADMIN_EMAIL": "root@example.com"}, wantErr: true},
		{name: "only password", env: map[string]string{"BOOKAPP_ADMIN_PASSWORD": "0123456789"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := infrastructure.AdminFromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr || ok != tt.wantOK {
				t.Fatalf("AdminFromEnv = %+v, %v, %v; want ok %v, error %v", got, ok, err, tt.wantOK, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

// adminFixture is a bootstrap over a fresh database, with a helper to read
// back an account as stored.
type adminFixture struct {
	store  *persistence.Store
	hasher *infrastructure.Argon2id
	admins *infrastructure.AdminBootstrap
}

func newAdminFixture(t *testing.T) adminFixture {
	t.Helper()
	store := newStore(t)
	hasher := infrastructure.NewArgon2id(cheap)
	return adminFixture{store: store, hasher: hasher, admins: infrastructure.NewAdminBootstrap(store, hasher, func() time.Time { return now })}
}

// check asserts that account id has email's credentials, the password, the
// name and the roles given.
func (f adminFixture) check(t *testing.T, id uuid.UUID, email, password, name string, roles []string) {
	t.Helper()
	ctx := context.Background()
	gotID, hash, err := f.store.Credentials(ctx, email)
	if err != nil || gotID != id {
		t.Fatalf("Credentials(%q) = %v, %v; want id %v", email, gotID, err, id)
	}
	if ok, err := f.hasher.Verify(password, hash); !ok || err != nil {
		t.Errorf("stored hash does not verify %q: %v, %v", password, ok, err)
	}
	u, err := f.store.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name() != name {
		t.Errorf("name = %q, want %q", u.Name(), name)
	}
	if diff := cmp.Diff(roles, u.Roles()); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}

func TestEnsureAdminCreatesThenIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newAdminFixture(t)
	admin := []string{auth.RoleCustomer, auth.RoleAdmin}
	c := infrastructure.AdminCredentials{Email: "Root@Example.com", Password: "first password", Name: "Root"}
	id, err := f.admins.EnsureAdmin(ctx, c)
	if err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	f.check(t, id, "root@example.com", "first password", "Root", admin)

	// Again, with a new password and name: same account, new password, the
	// name kept, the role not doubled.
	c.Password, c.Name = "second password", "Other Name"
	again, err := f.admins.EnsureAdmin(ctx, c)
	if err != nil {
		t.Fatalf("EnsureAdmin again: %v", err)
	}
	if again != id {
		t.Errorf("EnsureAdmin again made account %v, want %v", again, id)
	}
	f.check(t, id, "root@example.com", "second password", "Root", admin)
}

func TestEnsureAdminPromotesACustomer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newAdminFixture(t)
	u := mustCreateUser(t, f.store, "jane@example.com")
	id, err := f.admins.EnsureAdmin(ctx, infrastructure.AdminCredentials{Email: "JANE@example.com", Password: "admin password", Name: "Administrator"})
	if err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	if id != u.ID() {
		t.Errorf("EnsureAdmin returned %v, want the existing account %v", id, u.ID())
	}
	f.check(t, u.ID(), "jane@example.com", "admin password", "Jane", []string{auth.RoleCustomer, auth.RoleAdmin})
}

func TestEnsureAdminConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newAdminFixture(t)
	const n = 10
	ids := make([]uuid.UUID, n)
	failures := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ids[i], failures[i] = f.admins.EnsureAdmin(ctx, infrastructure.AdminCredentials{Email: "root@example.com", Password: "0123456789", Name: "Root"})
		})
	}
	wg.Wait()
	for i := range n {
		if failures[i] != nil {
			t.Fatalf("EnsureAdmin %d: %v", i, failures[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("EnsureAdmin %d made account %v, others %v", i, ids[i], ids[0])
		}
	}
	f.check(t, ids[0], "root@example.com", "0123456789", "Root", []string{auth.RoleCustomer, auth.RoleAdmin})
}

func TestEnsureAdminValidates(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	_, err := f.admins.EnsureAdmin(context.Background(), infrastructure.AdminCredentials{Email: "root", Password: "short", Name: "Root"})
	if !errors.Is(err, errs.Invalid) {
		t.Fatalf("EnsureAdmin error = %v, want errs.Invalid", err)
	}
	if diff := cmp.Diff([]string{"email", "password"}, sortedKeys(errs.FieldsOf(err))); diff != "" {
		t.Errorf("fields at fault (-want +got):\n%s", diff)
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
