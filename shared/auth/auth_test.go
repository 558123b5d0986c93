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
