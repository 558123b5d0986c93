package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestGetOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, bob, admin := f.customer(), f.customer(), f.admin()
	o := f.mustPlace(t, ann, line(f.shelf.add("Book", 999), 1))
	for _, p := range []auth.Principal{ann, admin} {
		if got, err := f.svc.GetOrder(ctx, p, o.ID); err != nil || got.ID != o.ID {
			t.Errorf("GetOrder as %v = %v, %v; want the order", p.Roles, got.ID, err)
		}
	}
	if _, err := f.svc.GetOrder(ctx, bob, o.ID); !errors.Is(err, service.ErrOrderNotFound) {
		t.Errorf("GetOrder of another customer's order error = %v, want ErrOrderNotFound", err)
	}
	if _, err := f.svc.GetOrder(ctx, admin, uuid.Must(uuid.NewV7())); !errors.Is(err, service.ErrOrderNotFound) {
		t.Errorf("GetOrder(unknown) error = %v, want ErrOrderNotFound", err)
	}
}

func TestListOrders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, bob, admin := f.customer(), f.customer(), f.admin()
	book := f.shelf.add("Book", 999)
	var anns, all []uuid.UUID
	for i := range 5 {
		p := ann
		if i == 2 {
			p = bob
		}
		o := f.mustPlace(t, p, line(book, 1))
		all = append([]uuid.UUID{o.ID}, all...) // newest first
		if p.UserID == ann.UserID {
			anns = append([]uuid.UUID{o.ID}, anns...)
		}
	}
	read := func(p auth.Principal, q service.ListQuery) [][]uuid.UUID {
		t.Helper()
		var pages [][]uuid.UUID
		for {
			page, err := f.svc.ListOrders(ctx, p, q)
			if err != nil {
				t.Fatalf("ListOrders(%+v): %v", q, err)
			}
			var ids []uuid.UUID
			for _, o := range page.Items {
				ids = append(ids, o.ID)
			}
			pages = append(pages, ids)
			if page.NextCursor == "" {
				return pages
			}
			q.Cursor = page.NextCursor
		}
	}
	if diff := cmp.Diff([][]uuid.UUID{anns}, read(ann, service.ListQuery{})); diff != "" {
		t.Errorf("ann's orders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]uuid.UUID{anns[:2], anns[2:]}, read(ann, service.ListQuery{PageSize: new(2)})); diff != "" {
		t.Errorf("ann's orders by 2 (-want +got):\n%s", diff)
	}
	// A page exactly as long as what is left is the last one.
	if diff := cmp.Diff([][]uuid.UUID{anns}, read(ann, service.ListQuery{PageSize: new(4)})); diff != "" {
		t.Errorf("ann's orders by 4 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]uuid.UUID{all[:3], all[3:]}, read(admin, service.ListQuery{All: true, PageSize: new(3)})); diff != "" {
		t.Errorf("all orders by 3 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]uuid.UUID{nil}, read(admin, service.ListQuery{})); diff != "" {
		t.Errorf("the admin's own orders (-want +got):\n%s", diff)
	}
	if _, err := f.svc.ListOrders(ctx, ann, service.ListQuery{All: true}); !errors.Is(err, auth.ErrAdminsOnly) || !errors.Is(err, errs.Forbidden) {
		t.Errorf("a customer listing all orders: error = %v, want auth.ErrAdminsOnly", err)
	}

	page, err := f.svc.ListOrders(ctx, admin, service.ListQuery{All: true, PageSize: new(1)})
	if err != nil {
		t.Fatal(err)
	}
	allCursor := page.NextCursor
	page, err = f.svc.ListOrders(ctx, ann, service.ListQuery{PageSize: new(1)})
	if err != nil {
		t.Fatal(err)
	}
	ownCursor := page.NextCursor
	tampered := []byte(ownCursor)
	tampered[5] ^= 1
	tests := []struct {
		name string
		q    service.ListQuery
		want []string
	}{
		{"page size 0", service.ListQuery{PageSize: new(0)}, []string{"pageSize"}},
		{"page size 101", service.ListQuery{PageSize: new(101)}, []string{"pageSize"}},
		{"cursor not base64", service.ListQuery{Cursor: "%%%"}, []string{"cursor"}},
		{"cursor edited", service.ListQuery{Cursor: string(tampered)}, []string{"cursor"}},
		{"cursor cut short", service.ListQuery{Cursor: ownCursor[:len(ownCursor)-2]}, []string{"cursor"}},
		{"cursor of the list of all orders", service.ListQuery{Cursor: allCursor}, []string{"cursor"}},
		{"everything", service.ListQuery{PageSize: new(-1), Cursor: "x"}, []string{"cursor", "pageSize"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.ListOrders(ctx, admin, tt.q)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("ListOrders(%+v) error = %v, want errs.Invalid", tt.q, err)
			}
			if diff := cmp.Diff(tt.want, sortedKeys(errs.FieldsOf(err))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChangeDeliveryDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, bob, admin := f.customer(), f.customer(), f.admin()
	o := f.mustPlace(t, ann, line(f.shelf.add("Book", 999), 1))
	// Today is Thursday 7 May 2026.
	got, err := f.svc.ChangeDeliveryDate(ctx, ann, o.ID, day(t, "2026-05-09"))
	if err != nil || !got.ExpectedDeliveryDate.Equal(time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("ChangeDeliveryDate(Saturday) = %v, %v", got.ExpectedDeliveryDate, err)
	}
	tests := []struct {
		name string
		who  auth.Principal
		date string
		want error
	}{
		{"tomorrow", ann, "2026-05-08", errs.RuleBroken},
		{"today", ann, "2026-05-07", errs.RuleBroken},
		{"a Sunday", ann, "2026-05-10", errs.RuleBroken},
		{"another customer", bob, "2026-05-11", service.ErrOrderNotFound},
		{"an administrator", admin, "2026-05-11", service.ErrNotOwner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.ChangeDeliveryDate(ctx, tt.who, o.ID, day(t, tt.date)); !errors.Is(err, tt.want) {
				t.Errorf("ChangeDeliveryDate(%s) error = %v, want %v", tt.date, err, tt.want)
			}
		})
	}
	// The day moves on at midnight UTC: on Friday, Saturday is too soon.
	f.clock.Set(time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC))
	if _, err := f.svc.ChangeDeliveryDate(ctx, ann, o.ID, day(t, "2026-05-09")); !errors.Is(err, errs.RuleBroken) {
		t.Errorf("Saturday, on Friday: error = %v, want a broken rule", err)
	}
	if _, err := f.svc.SetStatus(ctx, admin, o.ID, "dispatched"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ChangeDeliveryDate(ctx, ann, o.ID, day(t, "2026-05-12")); !errors.Is(err, service.ErrDeliveryDateFixed) {
		t.Errorf("after dispatch: error = %v, want ErrDeliveryDateFixed", err)
	}
	stored, err := f.svc.GetOrder(ctx, ann, o.ID)
	if err != nil || !stored.ExpectedDeliveryDate.Equal(time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)) || stored.Status != "dispatched" {
		t.Errorf("stored order: %v %s, %v; want 2026-05-09, dispatched", stored.ExpectedDeliveryDate, stored.Status, err)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, bob, admin := f.customer(), f.customer(), f.admin()
	book := f.shelf.add("Book", 999)
	o := f.mustPlace(t, ann, line(book, 1))
	if _, err := f.svc.Cancel(ctx, bob, o.ID); !errors.Is(err, service.ErrOrderNotFound) {
		t.Errorf("Cancel by another customer: error = %v, want ErrOrderNotFound", err)
	}
	if _, err := f.svc.Cancel(ctx, admin, o.ID); !errors.Is(err, service.ErrNotOwner) || !errors.Is(err, errs.NotFound) {
		t.Errorf("Cancel by an administrator: error = %v, want ErrNotOwner", err)
	}
	got, err := f.svc.Cancel(ctx, ann, o.ID)
	if err != nil || got.Status != "cancelled" {
		t.Fatalf("Cancel = %s, %v; want cancelled", got.Status, err)
	}
	if _, err := f.svc.Cancel(ctx, ann, o.ID); !errors.Is(err, service.ErrNotCancellable) {
		t.Errorf("Cancel again: error = %v, want ErrNotCancellable", err)
	}
	if _, err := f.svc.SetStatus(ctx, admin, o.ID, "dispatched"); !errors.Is(err, service.ErrBadTransition) {
		t.Errorf("dispatching a cancelled order: error = %v, want ErrBadTransition", err)
	}
	if _, err := f.svc.Cancel(ctx, ann, uuid.Must(uuid.NewV7())); !errors.Is(err, service.ErrOrderNotFound) {
		t.Errorf("Cancel(unknown) error = %v, want ErrOrderNotFound", err)
	}
}

func TestSetStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, admin := f.customer(), f.admin()
	o := f.mustPlace(t, ann, line(f.shelf.add("Book", 999), 1))
	steps := []struct {
		who    auth.Principal
		status string
		want   error // nil: accepted
	}{
		{ann, "dispatched", auth.ErrAdminsOnly},
		{admin, "shipped", errs.Invalid},
		{admin, "delivered", service.ErrBadTransition},
		{admin, "placed", service.ErrBadTransition},
		{admin, "dispatched", nil},
		{admin, "dispatched", service.ErrBadTransition},
		{admin, "cancelled", service.ErrBadTransition},
		{admin, "delivered", nil},
		{admin, "placed", service.ErrBadTransition},
	}
	for i, s := range steps {
		got, err := f.svc.SetStatus(ctx, s.who, o.ID, s.status)
		switch {
		case s.want == nil && (err != nil || got.Status != s.status):
			t.Errorf("step %d: SetStatus(%s) = %s, %v; want accepted", i, s.status, got.Status, err)
		case s.want != nil && !errors.Is(err, s.want):
			t.Errorf("step %d: SetStatus(%s) error = %v, want %v", i, s.status, err, s.want)
		}
	}
	if _, err := f.svc.Cancel(ctx, ann, o.ID); !errors.Is(err, service.ErrNotCancellable) {
		t.Errorf("cancelling a delivered order: error = %v, want ErrNotCancellable", err)
	}
	if _, err := f.svc.SetStatus(ctx, admin, uuid.Must(uuid.NewV7()), "dispatched"); !errors.Is(err, service.ErrOrderNotFound) {
		t.Errorf("SetStatus(unknown) error = %v, want ErrOrderNotFound", err)
	}
}

// day is the calendar day s (YYYY-MM-DD), as the HTTP adapter hands it over.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
