package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/service"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	got, err := f.svc.Register(ctx, service.RegisterInput{Email: " Jane.Doe@Example.com ", Name: " Jane Doe ", Password: password})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	want := service.User{Email: "jane.doe@example.com", Name: "Jane Doe", Roles: []string{auth.RoleCustomer}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(service.User{}, "ID")); diff != "" {
		t.Errorf("Register (-want +got):\n%s", diff)
	}
	if got.ID.Version() != 7 {
		t.Errorf("id %v is UUID version %d, want 7", got.ID, got.ID.Version())
	}
	me, err := f.svc.Me(ctx, auth.Principal{UserID: got.ID})
	if err != nil {
		t.Fatalf("Me: %v", err)
	}
	wantMe := service.Me{ID: got.ID, Email: got.Email, Name: got.Name, Roles: got.Roles}
	if diff := cmp.Diff(wantMe, me); diff != "" {
		t.Errorf("Me after Register (-want +got):\n%s", diff)
	}
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, service.Options{})
	tests := []struct {
		name string
		in   service.RegisterInput
		want []string // the fields at fault
	}{
		{"email not an address", service.RegisterInput{Email: "jane", Name: "Jane", Password: password}, []string{"email"}},
		{"name empty", service.RegisterInput{Email: "jane@example.com", Name: " ", Password: password}, []string{"name"}},
		{"name too long", service.RegisterInput{Email: "jane@example.com", Name: strings.Repeat("n", 101), Password: password}, []string{"name"}},
		{"password too short", service.RegisterInput{Email: "jane@example.com", Name: "Jane", Password: "123456789"}, []string{"password"}},
		{"password too long", service.RegisterInput{Email: "jane@example.com", Name: "Jane", Password: strings.Repeat("p", 129)}, []string{"password"}},
		{"all wrong", service.RegisterInput{}, []string{"email", "name", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.svc.Register(context.Background(), tt.in)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("Register(%+v) error = %v, want errs.Invalid", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, sortedKeys(errs.FieldsOf(err))); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() {
		if n := f.count(t, `SELECT count(*) FROM users.users`); n != 0 {
			t.Errorf("%d accounts stored by invalid registrations", n)
		}
	})
}

func TestRegisterEmailTakenInAnotherCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	for _, email := range []string{"jane@example.com", "JANE@EXAMPLE.COM", " Jane@Example.Com "} {
		_, err := f.svc.Register(context.Background(), service.RegisterInput{Email: email, Name: "Other Jane", Password: password})
		if !errors.Is(err, service.ErrEmailTaken) || !errors.Is(err, errs.Conflict) {
			t.Errorf("Register(%q) error = %v, want ErrEmailTaken (conflict)", email, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM users.users`); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

// TestRegisterConcurrentSameEmail races 50 registrations of one email, in
// varying case: exactly one may win.
func TestRegisterConcurrentSameEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t, service.Options{})
	const n = 50
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			email := "race@example.com"
			if i%2 == 1 {
				email = "RACE@Example.com"
			}
			_, results[i] = f.svc.Register(context.Background(), service.RegisterInput{
				Email: email, Name: fmt.Sprintf("Racer %d", i), Password: password,
			})
		})
	}
	wg.Wait()
	won, conflicts := 0, 0
	for i, err := range results {
		switch {
		case err == nil:
			won++
		case errors.Is(err, service.ErrEmailTaken):
			conflicts++
		default:
			t.Errorf("registration %d: unexpected error %v", i, err)
		}
	}
	if won != 1 || conflicts != n-1 {
		t.Errorf("%d registrations succeeded and %d got ErrEmailTaken, want 1 and %d", won, conflicts, n-1)
	}
	if got := f.count(t, `SELECT count(*) FROM users.users`); got != 1 {
		t.Errorf("%d accounts stored, want 1", got)
	}
	if got := f.count(t, `SELECT count(*) FROM users.passwords`); got != 1 {
		t.Errorf("%d password hashes stored, want 1", got)
	}
}
