package service_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/devtools/clocktest"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders/infrastructure"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/outbox"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// shelf plays the books context behind the broker: its handler of
// "books.for-order", with books' own types, over books kept in memory.
type shelf struct {
	mu    sync.Mutex
	books map[uuid.UUID]shelfBook
	asks  atomic.Int64
}

type shelfBook struct {
	Title            string
	ActualPriceCents int64
	Deleted          bool
}

type (
	shelfRequest struct{ BookIDs []uuid.UUID }
	shelfReply   struct{ Books []shelfEntry }
	shelfEntry   struct {
		ID                        uuid.UUID
		Title                     string
		ActualPriceCents          int64
		Found, Deleted, Orderable bool
	}
)

func (s *shelf) forOrder(_ context.Context, req shelfRequest) (shelfReply, error) {
	s.asks.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := shelfReply{Books: make([]shelfEntry, len(req.BookIDs))}
	for i, id := range req.BookIDs {
		if b, ok := s.books[id]; ok {
			rep.Books[i] = shelfEntry{ID: id, Title: b.Title, ActualPriceCents: b.ActualPriceCents, Found: true,
				Deleted: b.Deleted, Orderable: !b.Deleted && b.ActualPriceCents > 0}
		}
	}
	return rep, nil
}

func (s *shelf) add(title string, priceCents int64) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	s.set(id, shelfBook{Title: title, ActualPriceCents: priceCents})
	return id
}

func (s *shelf) set(id uuid.UUID, b shelfBook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.books[id] = b
}

// addresses plays the users context's contracts.AddressProvider.
type addresses struct {
	mu sync.Mutex
	m  map[uuid.UUID]contracts.Address
}

func (a *addresses) DeliveryAddress(_ context.Context, userID uuid.UUID) (contracts.Address, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	addr, ok := a.m[userID]
	if !ok {
		return contracts.Address{}, contracts.ErrNoAddress
	}
	return addr, nil
}

// A fixture is the service over a fresh database, with books and users
// played by hand-written fakes behind the broker and the contract, and the
// time stopped on Thursday 7 May 2026, 16:30 UTC.
type fixture struct {
	svc       *service.Service
	pool      *pgxpool.Pool
	clock     *clocktest.Clock
	shelf     *shelf
	addresses *addresses
}

var thursday = time.Date(2026, 5, 7, 16, 30, 0, 0, time.UTC)

var home = contracts.Address{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{
		pool:      testdb.New(t, persistence.Migrations()),
		clock:     clocktest.New(thursday),
		shelf:     &shelf{books: map[uuid.UUID]shelfBook{}},
		addresses: &addresses{m: map[uuid.UUID]contracts.Address{}},
	}
	b := broker.New()
	if err := broker.Handle(b, infrastructure.BooksForOrder, f.shelf.forOrder); err != nil {
		t.Fatal(err)
	}
	catalogue := infrastructure.NewCatalogue(b)
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
	f.svc = service.New(persistence.NewStore(f.pool, persistence.NewOutbox(f.pool, outbox.Options{})), catalogue, infrastructure.NewAddressBook(f.addresses), f.clock.Now)
	return f
}

// customer returns a new customer with a delivery address.
func (f *fixture) customer() auth.Principal {
	p := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: "Ann", Roles: []string{auth.RoleCustomer}}
	f.addresses.mu.Lock()
	defer f.addresses.mu.Unlock()
	f.addresses.m[p.UserID] = home
	return p
}

// admin returns a new administrator.
func (f *fixture) admin() auth.Principal {
	p := f.customer()
	p.Roles = append(p.Roles, auth.RoleAdmin)
	return p
}

func (f *fixture) mustPlace(t testing.TB, p auth.Principal, lines ...service.LineInput) service.Order {
	t.Helper()
	o, created, err := f.svc.PlaceOrder(context.Background(), p, service.PlaceInput{Lines: lines, AcceptTerms: true})
	if err != nil || !created {
		t.Fatalf("PlaceOrder = %v, created %t", err, created)
	}
	return o
}

func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func line(id uuid.UUID, quantity int) service.LineInput {
	return service.LineInput{BookID: id, Quantity: quantity}
}

func ptr[T any](v T) *T { return &v }

// sortedKeys returns the fields an errs error names, sorted.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
