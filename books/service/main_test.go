package service_test

import (
	"context"
	"testing"
	"time"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/books/service"
	"example.com/bookapp/devtools/clocktest"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/auth"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// A fixture is a service over a fresh database, with the time stopped, and
// the contexts of three callers.
type fixture struct {
	svc                   *service.Service
	pool                  *pgxpool.Pool
	clock                 *clocktest.Clock
	admin, customer, anon auth.Principal
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	pool := testdb.New(t, persistence.Migrations())
	c := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	return &fixture{
		svc: service.New(persistence.NewStore(pool), func(ctx context.Context, fix bool) (cachecheck.Report, error) {
			return cachecheck.Check(ctx, pool, fix)
		}, c.Now),
		pool:  pool,
		clock: c,
		admin: auth.Principal{
			UserID: uuid.Must(uuid.NewV7()), Name: "Ada Admin", Roles: []string{auth.RoleCustomer, auth.RoleAdmin}},
		customer: auth.Principal{
			UserID: uuid.Must(uuid.NewV7()), Name: "Cy Customer", Roles: []string{auth.RoleCustomer}},
		anon: auth.Principal{},
	}
}

func goodBook() service.BookInput {
	return service.BookInput{
		Title:       "Working Effectively with Legacy Code",
		Description: "Change code you do not understand.",
		PublishedOn: time.Date(2004, 9, 22, 0, 0, 0, 0, time.UTC),
		Publisher:   "Prentice Hall",
		PriceCents:  4599,
		ImageURL:    "https://example.com/legacy.jpg",
		Authors:     []string{"Michael Feathers"},
		Tags:        []string{"Testing", "Legacy"},
	}
}

func (f *fixture) mustAddBook(t testing.TB) service.Book {
	t.Helper()
	b, err := f.svc.AddBook(t.Context(), f.admin, goodBook())
	if err != nil {
		t.Fatalf("AddBook: %v", err)
	}
	return b
}

func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
