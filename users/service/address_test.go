package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/service"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestSetAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	jane := f.mustRegister(t, "jane@example.com", "Jane")

	got, err := f.svc.SetAddress(ctx, auth.Principal{UserID: jane.ID}, service.AddressInput{Line1: " 1 High Street ", City: "Oxford", Postcode: "OX1 1AA", Country: "gb"})
	if err != nil {
		t.Fatalf("SetAddress: %v", err)
	}
	want := service.Address{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SetAddress (-want +got):\n%s", diff)
	}
	me, err := f.svc.Me(ctx, auth.Principal{UserID: jane.ID})
	if err != nil {
		t.Fatalf("Me: %v", err)
	}
	if diff := cmp.Diff(&want, me.Address); diff != "" {
		t.Errorf("Me().Address (-want +got):\n%s", diff)
	}

	// Setting it again replaces it.
	moved := service.AddressInput{Line1: "Unter den Linden 1", Line2: "3. OG", City: "Berlin", Postcode: "10117", Country: "DE"}
	if _, err := f.svc.SetAddress(ctx, auth.Principal{UserID: jane.ID}, moved); err != nil {
		t.Fatalf("SetAddress again: %v", err)
	}
	me, err = f.svc.Me(ctx, auth.Principal{UserID: jane.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantMoved := service.Address(moved)
	if diff := cmp.Diff(&wantMoved, me.Address); diff != "" {
		t.Errorf("Me().Address after moving (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM users.addresses`); n != 1 {
		t.Errorf("%d addresses stored, want 1", n)
	}
}

func TestSetAddressValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	jane := f.mustRegister(t, "jane@example.com", "Jane")
	ok := service.AddressInput{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	tests := []struct {
		name   string
		change func(*service.AddressInput)
		want   []string
	}{
		{"line1 missing", func(a *service.AddressInput) { a.Line1 = "" }, []string{"line1"}},
		{"line2 too long", func(a *service.AddressInput) { a.Line2 = strings.Repeat("x", 201) }, []string{"line2"}},
		{"city too long", func(a *service.AddressInput) { a.City = strings.Repeat("x", 201) }, []string{"city"}},
		{"postcode missing", func(a *service.AddressInput) { a.Postcode = " " }, []string{"postcode"}},
		{"country not ISO", func(a *service.AddressInput) { a.Country = "UK" }, []string{"country"}},
		{"everything missing", func(a *service.AddressInput) { *a = service.AddressInput{} }, []string{"city", "country", "line1", "postcode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := ok
			tt.change(&in)
			_, err := f.svc.SetAddress(ctx, auth.Principal{UserID: jane.ID}, in)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("SetAddress(%+v) error = %v, want errs.Invalid", in, err)
			}
			if diff := cmp.Diff(tt.want, sortedKeys(errs.FieldsOf(err))); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() {
		if n := f.count(t, `SELECT count(*) FROM users.addresses`); n != 0 {
			t.Errorf("%d addresses stored by invalid input", n)
		}
	})
}

func TestUnknownUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	nobody := uuid.Must(uuid.NewV7())
	if _, err := f.svc.Me(ctx, auth.Principal{UserID: nobody}); !errors.Is(err, service.ErrUserNotFound) || !errors.Is(err, errs.NotFound) {
		t.Errorf("Me(unknown) error = %v, want ErrUserNotFound", err)
	}
	in := service.AddressInput{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if _, err := f.svc.SetAddress(ctx, auth.Principal{UserID: nobody}, in); !errors.Is(err, service.ErrUserNotFound) {
		t.Errorf("SetAddress(unknown) error = %v, want ErrUserNotFound", err)
	}
}
