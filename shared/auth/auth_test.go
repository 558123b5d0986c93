package auth_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"example.com/bookapp/shared/auth"
)

func TestPrincipalInContext(t *testing.T) {
	if _, ok := auth.FromContext(context.Background()); ok {
		t.Fatal("empty context carries a principal")
	}
	want := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: "Ann", Roles: []string{auth.RoleCustomer, auth.RoleAdmin}}
	got, ok := auth.FromContext(auth.WithPrincipal(context.Background(), want))
	if !ok || got.UserID != want.UserID || got.Name != "Ann" {
		t.Fatalf("FromContext = %+v, %t; want %+v", got, ok, want)
	}
	if !got.IsAdmin() || !got.HasRole(auth.RoleCustomer) || got.HasRole("owner") {
		t.Errorf("roles of %+v answered wrongly", got)
	}
	customer := auth.Principal{Roles: []string{auth.RoleCustomer}}
	if customer.IsAdmin() {
		t.Error("a customer is admin")
	}
}

func TestRequire(t *testing.T) {
	anonymous := auth.Principal{}
	customer := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Roles: []string{auth.RoleCustomer}}
	admin := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Roles: []string{auth.RoleCustomer, auth.RoleAdmin}}
	for _, c := range []struct {
		name           string
		p              auth.Principal
		signedIn, admn error
	}{
		{"anonymous", anonymous, auth.ErrSignIn, auth.ErrSignIn},
		{"customer", customer, nil, auth.ErrAdminsOnly},
		{"admin", admin, nil, nil},
	} {
		if err := auth.RequireSignedIn(c.p); err != c.signedIn {
			t.Errorf("RequireSignedIn(%s) = %v, want %v", c.name, err, c.signedIn)
		}
		if err := auth.RequireAdmin(c.p); err != c.admn {
			t.Errorf("RequireAdmin(%s) = %v, want %v", c.name, err, c.admn)
		}
	}
}
