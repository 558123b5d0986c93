package domain_test

import (
	"errors"
	"testing"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// orderIn returns a stored order in status, placed on Friday 1 May 2026.
func orderIn(status domain.Status) *domain.Order {
	placedAt := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	return domain.RestoreOrder(domain.StoredOrder{ID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), Status: status,
		PlacedAt: placedAt, DeliveryDate: domain.ExpectedDeliveryDate(placedAt),
		Address: domain.Address{Line1: "1 Road", City: "Bath", Postcode: "BA1", Country: "GB"},
		Lines:   []domain.StoredLine{{Num: 1, BookID: uuid.Must(uuid.NewV7()), Title: "Title", UnitPriceCents: 1999, Quantity: 2}}})
}

var allStatuses = []domain.Status{domain.Placed, domain.Dispatched, domain.Delivered, domain.Cancelled}

func TestSetStatus(t *testing.T) {
	t.Parallel()
	allowed := map[[2]domain.Status]bool{
		{domain.Placed, domain.Dispatched}:    true,
		{domain.Dispatched, domain.Delivered}: true,
	}
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			t.Run(string(from)+" to "+string(to), func(t *testing.T) {
				t.Parallel()
				o := orderIn(from)
				err := o.SetStatus(to)
				if allowed[[2]domain.Status{from, to}] {
					if err != nil || o.Status() != to {
						t.Errorf("SetStatus = %v, status %s; want nil, %s", err, o.Status(), to)
					}
					return
				}
				if !errors.Is(err, domain.ErrBadTransition) || !errors.Is(err, errs.RuleBroken) {
					t.Errorf("SetStatus error = %v, want ErrBadTransition (rule broken)", err)
				}
				if o.Status() != from {
					t.Errorf("status %s after a refused change, want %s", o.Status(), from)
				}
			})
		}
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	for _, from := range allStatuses {
		t.Run(string(from), func(t *testing.T) {
			t.Parallel()
			o := orderIn(from)
			err := o.Cancel()
			if from == domain.Placed {
				if err != nil || o.Status() != domain.Cancelled {
					t.Errorf("Cancel = %v, status %s; want nil, cancelled", err, o.Status())
				}
				return
			}
			if !errors.Is(err, domain.ErrNotCancellable) || !errors.Is(err, errs.RuleBroken) || o.Status() != from {
				t.Errorf("Cancel = %v, status %s; want ErrNotCancellable, %s", err, o.Status(), from)
			}
		})
	}
}

func TestChangeDeliveryDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC) // Saturday
	monday := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	for _, from := range allStatuses {
		t.Run(string(from), func(t *testing.T) {
			t.Parallel()
			o := orderIn(from)
			before := o.ExpectedDeliveryDate()
			err := o.ChangeDeliveryDate(monday, now)
			if from == domain.Placed {
				if err != nil || !o.ExpectedDeliveryDate().Equal(monday) {
					t.Errorf("ChangeDeliveryDate = %v, date %v; want nil, %v", err, o.ExpectedDeliveryDate(), monday)
				}
				return
			}
			if !errors.Is(err, domain.ErrDeliveryDateFixed) || !errors.Is(err, errs.RuleBroken) {
				t.Errorf("ChangeDeliveryDate error = %v, want ErrDeliveryDateFixed", err)
			}
			if !o.ExpectedDeliveryDate().Equal(before) {
				t.Errorf("date changed to %v by a refused change", o.ExpectedDeliveryDate())
			}
		})
	}
	t.Run("too soon", func(t *testing.T) {
		t.Parallel()
		o := orderIn(domain.Placed)
		before := o.ExpectedDeliveryDate()
		err := o.ChangeDeliveryDate(now.AddDate(0, 0, 1), now)
		if !errors.Is(err, errs.RuleBroken) || errs.FieldsOf(err)["date"] == "" {
			t.Errorf("ChangeDeliveryDate(tomorrow) = %v, want a rule broken on date", err)
		}
		if !o.ExpectedDeliveryDate().Equal(before) {
			t.Errorf("date changed to %v by a refused change", o.ExpectedDeliveryDate())
		}
	})
	t.Run("a time of day is dropped", func(t *testing.T) {
		t.Parallel()
		o := orderIn(domain.Placed)
		if err := o.ChangeDeliveryDate(monday.Add(15*time.Hour), now); err != nil {
			t.Fatal(err)
		}
		if !o.ExpectedDeliveryDate().Equal(monday) {
			t.Errorf("date = %v, want %v", o.ExpectedDeliveryDate(), monday)
		}
	})
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, s := range allStatuses {
		if got, err := domain.ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Placed", "shipped", " placed"} {
		_, err := domain.ParseStatus(s)
		if !errors.Is(err, errs.Invalid) || errs.FieldsOf(err)["status"] == "" {
			t.Errorf("ParseStatus(%q) error = %v, want invalid status", s, err)
		}
	}
}

func TestOrderAccessors(t *testing.T) {
	t.Parallel()
	id, user, book := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	placedAt := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	addr := domain.Address{Line1: "1 Road", Line2: "Flat 2", City: "Bath", Postcode: "BA1", Country: "GB"}
	lines := []domain.StoredLine{{Num: 1, BookID: book, Title: "A", UnitPriceCents: 1999, Quantity: 3}, {Num: 2, BookID: uuid.Must(uuid.NewV7()), Title: "B", UnitPriceCents: 1, Quantity: 100}}
	o := domain.RestoreOrder(domain.StoredOrder{ID: id, UserID: user, Status: domain.Dispatched, PlacedAt: placedAt,
		DeliveryDate: placedAt.AddDate(0, 0, 5), Address: addr, Lines: lines})
	lines[0] = domain.StoredLine{} // the order keeps its own copy
	got := []any{o.ID(), o.UserID(), o.Status(), o.PlacedAt(), o.ExpectedDeliveryDate(), o.DeliveryAddress(), o.TotalCents(),
		o.IsOwnedBy(user), o.IsOwnedBy(id)}
	want := []any{id, user, domain.Dispatched, placedAt, placedAt.AddDate(0, 0, 5), addr, int64(3*1999 + 100), true, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	l := o.Lines()[0]
	if l.Num() != 1 || l.BookID() != book || l.Title() != "A" || l.UnitPriceCents() != 1999 || l.Quantity() != 3 || l.TotalCents() != 5997 {
		t.Errorf("line 1 = %d %v %q %d %d %d", l.Num(), l.BookID(), l.Title(), l.UnitPriceCents(), l.Quantity(), l.TotalCents())
	}
}
