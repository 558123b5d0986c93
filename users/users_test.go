package users_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/users"
	"example.com/bookapp/users/service"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestModule walks through the context as the app wires it, with
// production's password hashing.
func TestModule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := users.New(testdb.New(t, users.Migrations()), users.Options{TokenTTL: time.Hour})
	svc := m.Service()

	jane, err := svc.Register(ctx, service.RegisterInput{Email: "jane@example.com", Name: "Jane", Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	tok, err := svc.Login(ctx, "jane@example.com", "correct horse battery")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if d := time.Until(tok.ExpiresAt); d < 59*time.Minute || d > time.Hour {
		t.Errorf("token expires in %v, want the configured hour", d)
	}
	p, err := svc.Authenticate(ctx, tok.Token)
	if err != nil || p.UserID != jane.ID || p.IsAdmin() {
		t.Errorf("Authenticate = %+v, %v; want customer %v", p, err, jane.ID)
	}

	var provider contracts.AddressProvider = m.AddressProvider()
	if _, err := provider.DeliveryAddress(ctx, jane.ID); !errors.Is(err, contracts.ErrNoAddress) {
		t.Errorf("DeliveryAddress before one is set: error %v, want contracts.ErrNoAddress", err)
	}
	if _, err := svc.SetAddress(ctx, auth.Principal{UserID: jane.ID}, service.AddressInput{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}); err != nil {
		t.Fatalf("SetAddress: %v", err)
	}
	got, err := provider.DeliveryAddress(ctx, jane.ID)
	if err != nil {
		t.Fatalf("DeliveryAddress: %v", err)
	}
	want := contracts.Address{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DeliveryAddress (-want +got):\n%s", diff)
	}
}

func TestEnsureAdminFromEnv(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := users.New(testdb.New(t, users.Migrations()), users.Options{
		PasswordHashing: users.HashingParams{MemoryKiB: 256, Iterations: 1},
	})
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	if ok, err := m.EnsureAdminFromEnv(ctx, getenv); ok || err != nil {
		t.Errorf("EnsureAdminFromEnv with nothing set = %v, %v; want false, nil", ok, err)
	}
	env["BOOKAPP_ADMIN_EMAIL"] = "root@example.com"
	if ok, err := m.EnsureAdminFromEnv(ctx, getenv); ok || err == nil {
		t.Errorf("EnsureAdminFromEnv with only the email set = %v, %v; want an error", ok, err)
	}
	env["BOOKAPP_ADMIN_PASSWORD"] = "admin password"
	for range 2 {
		if ok, err := m.EnsureAdminFromEnv(ctx, getenv); !ok || err != nil {
			t.Fatalf("EnsureAdminFromEnv = %v, %v; want true, nil", ok, err)
		}
	}
	tok, err := m.Service().Login(ctx, "root@example.com", "admin password")
	if err != nil {
		t.Fatalf("Login as the admin: %v", err)
	}
	p, err := m.Service().Authenticate(ctx, tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{auth.RoleCustomer, auth.RoleAdmin}, p.Roles); diff != "" || p.Name != "Administrator" {
		t.Errorf("admin principal %+v, want name Administrator and roles customer, admin", p)
	}

	// EnsureAdmin with explicit credentials changes the password.
	if err := m.EnsureAdmin(ctx, "ROOT@example.com", "new admin password", "ignored"); err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	if _, err := m.Service().Login(ctx, "root@example.com", "admin password"); !errors.Is(err, service.ErrBadCredentials) {
		t.Errorf("Login with the old password: error %v, want ErrBadCredentials", err)
	}
	if _, err := m.Service().Login(ctx, "root@example.com", "new admin password"); err != nil {
		t.Errorf("Login with the new password: %v", err)
	}
}
