package service_test

import (
	"context"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/devtools/clocktest"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/users/infrastructure"
	"example.com/bookapp/users/persistence"
	"example.com/bookapp/users/service"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// cheap are argon2id parameters that keep tests fast; production's are
// tested in infrastructure and by the module's test.
var cheap = infrastructure.Argon2Params{Memory: 256, Time: 1, Threads: 1}

const password = "correct horse battery"

// countingHasher counts the passwords verified, to show which attempts got
// as far as a password check.
type countingHasher struct {
	*infrastructure.Argon2id
	verified atomic.Int64
}

func (h *countingHasher) Verify(password, encoded string) (bool, error) {
	h.verified.Add(1)
	return h.Argon2id.Verify(password, encoded)
}

// A fixture is a service over a fresh database, with the time stopped.
type fixture struct {
	svc    *service.Service
	pool   *pgxpool.Pool
	store  *persistence.Store
	clock  *clocktest.Clock
	hasher *countingHasher
}

func newFixture(t testing.TB, opts service.Options) *fixture {
	t.Helper()
	pool := testdb.New(t, persistence.Migrations())
	f := &fixture{
		pool:   pool,
		store:  persistence.NewStore(pool),
		clock:  clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		hasher: &countingHasher{Argon2id: infrastructure.NewArgon2id(cheap)},
	}
	f.svc = service.New(f.store, f.hasher, f.clock.Now, opts)
	return f
}

func (f *fixture) mustRegister(t testing.TB, email, name string) service.User {
	t.Helper()
	u, err := f.svc.Register(context.Background(), service.RegisterInput{Email: email, Name: name, Password: password})
	if err != nil {
		t.Fatalf("Register(%q): %v", email, err)
	}
	return u
}

func (f *fixture) mustLogin(t testing.TB, email, password string) service.Token {
	t.Helper()
	tok, err := f.svc.Login(context.Background(), email, password)
	if err != nil {
		t.Fatalf("Login(%q): %v", email, err)
	}
	return tok
}

func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// sortedKeys returns the fields an errs error names, sorted.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
