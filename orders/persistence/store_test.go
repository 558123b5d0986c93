package persistence_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var now = time.Date(2026, 5, 7, 16, 30, 0, 123456000, time.UTC)

func newStore(t *testing.T) (*persistence.Store, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t, persistence.Migrations())
	return persistence.NewStore(pool, persistence.NewOutbox(pool, outbox.Options{})), pool
}

// newOrder returns a placed order of user with n lines.
func newOrder(user uuid.UUID, n int) *domain.Order { return domain.RestoreOrder(storedOrder(user, n)) }

func storedOrder(user uuid.UUID, n int) domain.StoredOrder {
	lines := make([]domain.StoredLine, n)
	for i := range lines {
		lines[i] = domain.StoredLine{Num: i + 1, BookID: uuid.Must(uuid.NewV7()), Title: fmt.Sprintf("Book %d", i+1), UnitPriceCents: int64(1000 + i), Quantity: i + 1}
	}
	return domain.StoredOrder{ID: uuid.Must(uuid.NewV7()), UserID: user, Status: domain.Placed, PlacedAt: now, DeliveryDate: domain.ExpectedDeliveryDate(now),
		Address: domain.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}, Lines: lines}
}

// flat is an order as comparable values.
type flat struct {
	ID, UserID             uuid.UUID
	Status                 domain.Status
	PlacedAt, DeliveryDate time.Time
	Address                domain.Address
	Lines                  []flatLine
}

type flatLine struct {
	Num      int
	BookID   uuid.UUID
	Title    string
	Price    int64
	Quantity int
}

func flatten(o *domain.Order) flat {
	f := flat{o.ID(), o.UserID(), o.Status(), o.PlacedAt(), o.ExpectedDeliveryDate(), o.DeliveryAddress(), nil}
	for _, l := range o.Lines() {
		f.Lines = append(f.Lines, flatLine{l.Num(), l.BookID(), l.Title(), l.UnitPriceCents(), l.Quantity()})
	}
	return f
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func mustKey(t *testing.T, s string) domain.IdempotencyKey {
	t.Helper()
	k, err := domain.NewIdempotencyKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestPlaceAndReadBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	o := newOrder(uuid.Must(uuid.NewV7()), 3)
	id, err := store.Place(ctx, o, domain.IdempotencyKey{}, nil)
	if err != nil || id != o.ID() {
		t.Fatalf("Place = %v, %v; want %v", id, err, o.ID())
	}
	got, err := store.Order(ctx, o.ID())
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if diff := cmp.Diff(flatten(o), flatten(got)); diff != "" {
		t.Errorf("order read back (-want +got):\n%s", diff)
	}
	if _, err := store.Order(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, domain.ErrOrderNotFound) {
		t.Errorf("Order(unknown) error = %v, want ErrOrderNotFound", err)
	}
}

// A line the schema refuses fails the whole order: nothing is left behind.
func TestPlaceIsOneTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	s := storedOrder(uuid.Must(uuid.NewV7()), 2)
	s.Lines[1] = domain.StoredLine{Num: 2, BookID: uuid.Must(uuid.NewV7()), Title: "Free", UnitPriceCents: 0, Quantity: 1} // unit_price_cents > 0 refuses it
	bad := domain.RestoreOrder(s)
	if _, err := store.Place(ctx, bad, mustKey(t, "k"), hash("a")); err == nil || errs.KindOf(err) != nil {
		t.Fatalf("Place(line priced 0) error = %v, want an unexpected (500) failure", err)
	}
	if n := count(t, pool, `SELECT (SELECT count(*) FROM orders.orders) + (SELECT count(*) FROM orders.line_items)
		+ (SELECT count(*) FROM orders.idempotency_keys)`); n != 0 {
		t.Errorf("%d rows left behind by a failed order", n)
	}
}

func TestPlaceWithIdempotencyKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	ann, bob := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	key := mustKey(t, "basket-1")

	if _, err := store.KeyedOrder(ctx, ann, key, hash("a")); !errors.Is(err, domain.ErrOrderNotFound) {
		t.Errorf("KeyedOrder(unused key) error = %v, want ErrOrderNotFound", err)
	}
	first := newOrder(ann, 1)
	if id, err := store.Place(ctx, first, key, hash("a")); err != nil || id != first.ID() {
		t.Fatalf("Place = %v, %v; want %v", id, err, first.ID())
	}
	// A repeat stores nothing and names the first order.
	if id, err := store.Place(ctx, newOrder(ann, 1), key, hash("a")); err != nil || id != first.ID() {
		t.Errorf("Place(repeat) = %v, %v; want the first order %v", id, err, first.ID())
	}
	if id, err := store.KeyedOrder(ctx, ann, key, hash("a")); err != nil || id != first.ID() {
		t.Errorf("KeyedOrder = %v, %v; want %v", id, err, first.ID())
	}
	// The same key for another request is refused.
	if _, err := store.Place(ctx, newOrder(ann, 2), key, hash("b")); !errors.Is(err, domain.ErrIdempotencyKeyReused) {
		t.Errorf("Place(key reused) error = %v, want ErrIdempotencyKeyReused", err)
	}
	if _, err := store.KeyedOrder(ctx, ann, key, hash("b")); !errors.Is(err, domain.ErrIdempotencyKeyReused) {
		t.Errorf("KeyedOrder(other request) error = %v, want ErrIdempotencyKeyReused", err)
	}
	// Keys are per customer.
	bobs := newOrder(bob, 1)
	if id, err := store.Place(ctx, bobs, key, hash("b")); err != nil || id != bobs.ID() {
		t.Errorf("Place(another customer, same key) = %v, %v; want %v", id, err, bobs.ID())
	}
	if n := count(t, pool, `SELECT count(*) FROM orders.orders`); n != 2 {
		t.Errorf("%d orders stored, want 2", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM orders.line_items`); n != 2 {
		t.Errorf("%d lines stored, want 2", n)
	}
}

// TestPlaceConcurrentRepeats races many placements of different orders under
// one key: exactly one is stored, and every caller learns its id. A race is a
// matter of chance, so it runs several rounds.
func TestPlaceConcurrentRepeats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	const rounds, racers = 5, 20
	for round := range rounds {
		user := uuid.Must(uuid.NewV7())
		key := mustKey(t, fmt.Sprintf("round-%d", round))
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			ids   = make([]uuid.UUID, racers)
			errs  = make([]error, racers)
			mine  = make([]uuid.UUID, racers)
		)
		for i := range racers {
			o := newOrder(user, 2)
			mine[i] = o.ID()
			wg.Go(func() {
				<-start
				ids[i], errs[i] = store.Place(ctx, o, key, hash("same"))
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		for i := range racers {
			if errs[i] != nil {
				t.Fatalf("round %d, racer %d: %v", round, i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("round %d: racer %d got order %v, racer 0 got %v", round, i, ids[i], ids[0])
			}
			if ids[i] == mine[i] {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("round %d: %d racers stored their own order, want 1", round, winners)
		}
		if n := count(t, pool, `SELECT count(*) FROM orders.orders WHERE user_id = $1`, user); n != 1 {
			t.Errorf("round %d: %d orders stored, want 1", round, n)
		}
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	ann, bob := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	var anns, all []uuid.UUID // in placing order
	for i := range 7 {
		user := ann
		if i%3 == 2 {
			user = bob
		}
		o := newOrder(user, 1+i%2)
		if _, err := store.Place(ctx, o, domain.IdempotencyKey{}, nil); err != nil {
			t.Fatal(err)
		}
		all = append(all, o.ID())
		if user == ann {
			anns = append(anns, o.ID())
		}
	}
	// pages reads every page of q, limit orders at a time, and returns the
	// ids by page.
	pages := func(q persistence.ListQuery) [][]uuid.UUID {
		var out [][]uuid.UUID
		for {
			got, err := store.List(ctx, q)
			if err != nil {
				t.Fatalf("List(%+v): %v", q, err)
			}
			if len(got) == 0 {
				return out
			}
			var page []uuid.UUID
			for _, o := range got {
				page = append(page, o.ID())
				if q.All == false && o.UserID() != q.UserID {
					t.Errorf("List of %v returned an order of %v", q.UserID, o.UserID())
				}
				if len(o.Lines()) == 0 {
					t.Errorf("order %v listed without its lines", o.ID())
				}
			}
			out = append(out, page)
			q.Before = page[len(page)-1]
		}
	}
	rev := func(ids []uuid.UUID) []uuid.UUID {
		out := make([]uuid.UUID, len(ids))
		for i, id := range ids {
			out[len(ids)-1-i] = id
		}
		return out
	}
	a := rev(anns)
	if diff := cmp.Diff([][]uuid.UUID{a[:2], a[2:4], a[4:]}, pages(persistence.ListQuery{UserID: ann, Limit: 2})); diff != "" {
		t.Errorf("ann's pages (-want +got):\n%s", diff)
	}
	e := rev(all)
	if diff := cmp.Diff([][]uuid.UUID{e[:3], e[3:6], e[6:]}, pages(persistence.ListQuery{All: true, Limit: 3})); diff != "" {
		t.Errorf("all pages (-want +got):\n%s", diff)
	}
	if got := pages(persistence.ListQuery{UserID: uuid.Must(uuid.NewV7()), Limit: 5}); len(got) != 0 {
		t.Errorf("a customer without orders got %v", got)
	}
	if _, err := store.List(ctx, persistence.ListQuery{Limit: 5}); err == nil {
		t.Error("List without a customer and without All succeeded, want an error")
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	o := newOrder(uuid.Must(uuid.NewV7()), 2)
	if _, err := store.Place(ctx, o, domain.IdempotencyKey{}, nil); err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 5, 18, 0, 0, 0, 0, time.UTC)
	got, err := store.Update(ctx, o.ID(), func(o *domain.Order) error {
		return o.ChangeDeliveryDate(monday, now)
	})
	if err != nil || !got.ExpectedDeliveryDate().Equal(monday) {
		t.Fatalf("Update = %v, %v; want the date moved to %v", got, err, monday)
	}
	if _, err := store.Update(ctx, o.ID(), func(o *domain.Order) error { return o.SetStatus(domain.Dispatched) }); err != nil {
		t.Fatal(err)
	}
	// A change that fails stores nothing, and its error comes back as is.
	_, err = store.Update(ctx, o.ID(), func(o *domain.Order) error {
		_ = o.SetStatus(domain.Delivered)
		return domain.ErrNotCancellable
	})
	if !errors.Is(err, domain.ErrNotCancellable) {
		t.Errorf("Update(failing change) error = %v, want the change's error", err)
	}
	stored, err := store.Order(ctx, o.ID())
	if err != nil {
		t.Fatal(err)
	}
	want := flatten(o)
	want.Status, want.DeliveryDate = domain.Dispatched, monday
	if diff := cmp.Diff(want, flatten(stored)); diff != "" {
		t.Errorf("stored order (-want +got):\n%s", diff)
	}
	if _, err := store.Update(ctx, uuid.Must(uuid.NewV7()), func(*domain.Order) error { return nil }); !errors.Is(err, domain.ErrOrderNotFound) {
		t.Errorf("Update(unknown) error = %v, want ErrOrderNotFound", err)
	}
}

// TestUpdateSerialisesChanges races cancellations and dispatches of one
// order: the row lock makes each see the last one's result, so exactly one
// of them succeeds.
func TestUpdateSerialisesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	const racers = 20
	for round := range 3 {
		o := newOrder(uuid.Must(uuid.NewV7()), 1)
		if _, err := store.Place(ctx, o, domain.IdempotencyKey{}, nil); err != nil {
			t.Fatal(err)
		}
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			mu      sync.Mutex
			ok, bad int
		)
		for i := range racers {
			wg.Go(func() {
				<-start
				change := func(o *domain.Order) error { return o.Cancel() }
				if i%2 == 1 {
					change = func(o *domain.Order) error { return o.SetStatus(domain.Dispatched) }
				}
				_, err := store.Update(ctx, o.ID(), change)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, errs.RuleBroken):
					bad++
				default:
					t.Errorf("Update: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if ok != 1 || bad != racers-1 {
			t.Errorf("round %d: %d changes succeeded and %d were refused, want 1 and %d", round, ok, bad, racers-1)
		}
	}
}

// TestUnreachableDatabase checks that a database out of reach is reported as
// errs.Unavailable (503), not as an unexpected failure.
func TestUnreachableDatabase(t *testing.T) {
	t.Parallel()
	// Port 1 on the loopback refuses connections at once.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := persistence.NewStore(pool, persistence.NewOutbox(pool, outbox.Options{}))
	ctx := context.Background()
	o := newOrder(uuid.Must(uuid.NewV7()), 1)
	_, placeErr := store.Place(ctx, o, mustKey(t, "k"), hash("a"))
	_, orderErr := store.Order(ctx, o.ID())
	_, listErr := store.List(ctx, persistence.ListQuery{All: true, Limit: 1})
	_, updateErr := store.Update(ctx, o.ID(), func(*domain.Order) error { return nil })
	_, keyErr := store.KeyedOrder(ctx, o.UserID(), mustKey(t, "k"), hash("a"))
	for name, err := range map[string]error{"Place": placeErr, "Order": orderErr, "List": listErr, "Update": updateErr, "KeyedOrder": keyErr} {
		if !errors.Is(err, errs.Unavailable) || !errors.Is(err, pgtx.ErrUnavailable) {
			t.Errorf("%s on an unreachable database error = %v, want errs.Unavailable", name, err)
		}
	}
}

// TestTerminatedConnection: when PostgreSQL terminates the connection the
// store is about to use (SQLSTATE 57P01, as a failover or an administrator's
// restart does), a read is run again on a new connection and answers as it
// would have, and a write reports errs.Unavailable (503) — never an
// unexpected failure (500). Each call draws the pool's one connection,
// just terminated.
func TestTerminatedConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, full := newStore(t)
	pool, terminate := testdb.OneConnection(t, full)
	store := persistence.NewStore(pool, persistence.NewOutbox(pool, outbox.Options{}))
	o := newOrder(uuid.Must(uuid.NewV7()), 1)
	calls := map[string]func() error{
		"Place": func() error { _, err := store.Place(ctx, o, mustKey(t, "k"), hash("a")); return err },
		"Order": func() error { _, err := store.Order(ctx, o.ID()); return err },
		"List":  func() error { _, err := store.List(ctx, persistence.ListQuery{All: true, Limit: 1}); return err },
		"Update": func() error {
			_, err := store.Update(ctx, o.ID(), func(*domain.Order) error { return nil })
			return err
		},
		"KeyedOrder": func() error { _, err := store.KeyedOrder(ctx, o.UserID(), mustKey(t, "k"), hash("a")); return err },
	}
	reads := map[string]bool{"Order": true, "List": true, "KeyedOrder": true}
	for name, call := range calls {
		terminate()
		err := call()
		if reads[name] {
			// Read again on a fresh connection (pgtx.Read): the answer the
			// caller would have had anyway, here "not found" or nothing.
			if err != nil && errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s on a terminated connection: error %v, want the read retried on a new connection", name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s on a terminated connection succeeded; the test expects the pool to hand out the dead connection", name)
			continue
		}
		if !errors.Is(err, errs.Unavailable) || !errors.Is(err, pgtx.ErrUnavailable) {
			t.Errorf("%s on a terminated connection: error %v (kind %v), want errs.Unavailable", name, err, errs.KindOf(err))
		}
	}
}

// Placing and cancelling publish their events in the order's transaction,
// numbered in the order's life; a repeat, a refused change and a change
// that is not a cancellation publish none.
func TestPlaceAndCancelPublishTheirEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, persistence.Migrations())
	events := persistence.NewOutbox(pool, outbox.Options{})
	outbox.Subscribe(events, "test.sink", domain.OrderPlacedEvent, func(context.Context, []outbox.Received[domain.OrderEvent]) error { return nil })
	store := persistence.NewStore(pool, events)
	o := newOrder(uuid.Must(uuid.NewV7()), 2)
	key := mustKey(t, "k")
	for range 2 { // the second is a repeat under the key
		if _, err := store.Place(ctx, o, key, hash("a")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Update(ctx, o.ID(), func(o *domain.Order) error {
		return o.ChangeDeliveryDate(o.ExpectedDeliveryDate().AddDate(0, 0, 1), now)
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second is refused: already cancelled
		_, _ = store.Update(ctx, o.ID(), func(o *domain.Order) error { return o.Cancel() })
	}
	type event struct {
		Type     string
		Position int
		Payload  domain.OrderEvent
	}
	rows, err := pool.Query(ctx, `SELECT type, position, payload FROM orders.outbox_events WHERE aggregate_id = $1 ORDER BY position`, o.ID())
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[event])
	if err != nil {
		t.Fatal(err)
	}
	payload := domain.EventOf(o)
	want := []event{{domain.OrderPlacedEvent, 1, payload}, {domain.OrderCancelledEvent, 2, payload}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the order's events (-want +got):\n%s", diff)
	}
	if len(payload.Lines) != 2 || payload.Lines[1].Quantity != 2 || payload.UserID != o.UserID() {
		t.Errorf("payload %+v: want the order's customer and its two lines", payload)
	}
	// One delivery: test.sink subscribes to placed orders only.
	if n := count(t, pool, `SELECT count(*) FROM orders.outbox_deliveries WHERE consumer = 'test.sink'`); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// An order whose event cannot be written is not stored: no change without
// its event.
func TestPlaceWithoutItsEventStoresNothing(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t, persistence.Migrations())
	store := persistence.NewStore(pool, outbox.New(pool, persistence.Schema, outbox.Options{})) // no event declared
	if _, err := store.Place(context.Background(), newOrder(uuid.Must(uuid.NewV7()), 1), domain.IdempotencyKey{}, nil); err == nil {
		t.Fatal("Place with an outbox that refuses the event: no error")
	}
	if n := count(t, pool, `SELECT (SELECT count(*) FROM orders.orders) + (SELECT count(*) FROM orders.outbox_events)`); n != 0 {
		t.Errorf("%d rows of orders and events stored, want 0", n)
	}
}
