package service_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestPlaceOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann := f.customer()
	ddd := f.shelf.add("Domain-Driven Design", 4999)
	promo := f.shelf.add("Refactoring", 1250)
	got, created, err := f.svc.PlaceOrder(ctx, ann, service.PlaceInput{Lines: []service.LineInput{line(ddd, 2), line(promo, 1)}, AcceptTerms: true})
	if err != nil || !created {
		t.Fatalf("PlaceOrder = %v, created %t", err, created)
	}
	want := service.Order{
		ID:                   got.ID,
		UserID:               ann.UserID,
		Status:               "placed",
		PlacedAt:             thursday,
		ExpectedDeliveryDate: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), // Thursday + 3 is a Sunday
		DeliveryAddress:      service.Address(home),
		Lines: []service.Line{
			{LineNum: 1, BookID: ddd, Title: "Domain-Driven Design", Quantity: 2, UnitPriceCents: 4999, LineTotalCents: 9998},
			{LineNum: 2, BookID: promo, Title: "Refactoring", Quantity: 1, UnitPriceCents: 1250, LineTotalCents: 1250},
		},
		TotalCents: 11248,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	// Stored as returned; later changes to the book and to the address do
	// not touch it.
	f.shelf.set(promo, shelfBook{Title: "Refactoring, 2nd edition", ActualPriceCents: 4500})
	f.addresses.mu.Lock()
	f.addresses.m[ann.UserID] = contracts.Address{Line1: "2 Low Road", City: "Leeds", Postcode: "LS1 1AA", Country: "GB"}
	f.addresses.mu.Unlock()
	read, err := f.svc.GetOrder(ctx, ann, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, read); diff != "" {
		t.Errorf("order read back (-want +got):\n%s", diff)
	}
	if n := f.shelf.asks.Load(); n != 1 {
		t.Errorf("books was asked %d times for one order, want once", n)
	}
}

func TestPlaceOrderRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann := f.customer()
	ok := f.shelf.add("For sale", 999)
	free := f.shelf.add("Free", 0)
	gone := f.shelf.add("Gone", 999)
	f.shelf.set(gone, shelfBook{Title: "Gone", ActualPriceCents: 999, Deleted: true})
	noAddress := f.customer()
	delete(f.addresses.m, noAddress.UserID)
	tests := []struct {
		name   string
		in     service.PlaceInput
		kind   error
		fields []string
	}{
		{name: "no lines", in: service.PlaceInput{AcceptTerms: true}, kind: errs.Invalid, fields: []string{"lines"}},
		{name: "bad basket and bad key at once",
			in:   service.PlaceInput{Lines: []service.LineInput{line(ok, 0), line(ok, 1)}, AcceptTerms: true, IdempotencyKey: ptr("")},
			kind: errs.Invalid, fields: []string{"idempotencyKey", "lines[0].quantity", "lines[1].bookId"}},
		{name: "terms and books", in: service.PlaceInput{Lines: []service.LineInput{line(ok, 1), line(free, 1), line(gone, 1), line(uuid.Must(uuid.NewV7()), 1)}},
			kind: errs.RuleBroken, fields: []string{"acceptTerms", "lines[1].bookId", "lines[2].bookId", "lines[3].bookId"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.PlaceOrder(ctx, ann, tt.in)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("PlaceOrder error = %v, want %v", err, tt.kind)
			}
			if diff := cmp.Diff(tt.fields, sortedKeys(errs.FieldsOf(err))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	_, _, err := f.svc.PlaceOrder(ctx, noAddress, service.PlaceInput{Lines: []service.LineInput{line(ok, 1)}, AcceptTerms: true})
	if !errors.Is(err, service.ErrNoAddress) || !errors.Is(err, errs.RuleBroken) {
		t.Errorf("PlaceOrder without an address error = %v, want ErrNoAddress", err)
	}
	if n := f.count(t, `SELECT count(*) FROM orders.orders`); n != 0 {
		t.Errorf("%d orders stored by refused requests", n)
	}
}

func TestPlaceOrderIdempotency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ann, bob := f.customer(), f.customer()
	book := f.shelf.add("Book", 999)
	in := service.PlaceInput{Lines: []service.LineInput{line(book, 2)}, AcceptTerms: true, IdempotencyKey: ptr("basket-42")}

	first, created, err := f.svc.PlaceOrder(ctx, ann, in)
	if err != nil || !created {
		t.Fatalf("PlaceOrder = %v, created %t", err, created)
	}
	// The repeat is answered from the key, even though the book has gone
	// since, and without asking books again.
	f.shelf.set(book, shelfBook{Title: "Book", ActualPriceCents: 999, Deleted: true})
	asks := f.shelf.asks.Load()
	again, created, err := f.svc.PlaceOrder(ctx, ann, in)
	if err != nil || created || again.ID != first.ID {
		t.Errorf("repeat = %v, created %t, err %v; want the first order %v, not created", again.ID, created, err, first.ID)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("repeat's order (-first +repeat):\n%s", diff)
	}
	if n := f.shelf.asks.Load() - asks; n != 0 {
		t.Errorf("the repeat asked books %d times", n)
	}
	// The same key with another body is refused.
	other := in
	other.Lines = []service.LineInput{line(book, 3)}
	if _, _, err := f.svc.PlaceOrder(ctx, ann, other); !errors.Is(err, service.ErrIdempotencyKeyReused) || !errors.Is(err, errs.RuleBroken) {
		t.Errorf("same key, other body: error = %v, want ErrIdempotencyKeyReused", err)
	}
	// Keys are per customer: Bob's basket-42 is his own (and, the book
	// being gone now, refused).
	if _, _, err := f.svc.PlaceOrder(ctx, bob, in); !errors.Is(err, errs.RuleBroken) || errs.FieldsOf(err)["lines[0].bookId"] == "" {
		t.Errorf("another customer's same key: error = %v, want the book refused", err)
	}
	if n := f.count(t, `SELECT count(*) FROM orders.orders`); n != 1 {
		t.Errorf("%d orders stored, want 1", n)
	}
}

// TestPlaceOrderConcurrentRepeats sends one order with one key 20 times at
// once: exactly one order is placed, and every call returns it.
func TestPlaceOrderConcurrentRepeats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	book := f.shelf.add("Book", 999)
	const racers = 20
	for round := range 3 {
		ann := f.customer()
		in := service.PlaceInput{Lines: []service.LineInput{line(book, 1)}, AcceptTerms: true, IdempotencyKey: ptr(fmt.Sprint("key-", round))}
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			ids     = make([]uuid.UUID, racers)
			created = make([]bool, racers)
			errList = make([]error, racers)
		)
		for i := range racers {
			wg.Go(func() {
				<-start
				var o service.Order
				o, created[i], errList[i] = f.svc.PlaceOrder(ctx, ann, in)
				ids[i] = o.ID
			})
		}
		close(start)
		wg.Wait()
		n := 0
		for i := range racers {
			if errList[i] != nil {
				t.Fatalf("round %d, call %d: %v", round, i, errList[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("round %d: call %d returned order %v, call 0 %v", round, i, ids[i], ids[0])
			}
			if created[i] {
				n++
			}
		}
		if n != 1 {
			t.Errorf("round %d: %d calls report creating the order, want 1", round, n)
		}
		if got := f.count(t, `SELECT count(*) FROM orders.orders WHERE user_id = $1`, ann.UserID); got != 1 {
			t.Errorf("round %d: %d orders stored, want 1", round, got)
		}
	}
}
