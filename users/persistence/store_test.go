package persistence_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/pgtx"
	"example.com/bookapp/users/domain"
	"example.com/bookapp/users/persistence"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)

func newStore(t *testing.T) (*persistence.Store, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t, persistence.Migrations())
	return persistence.NewStore(pool), pool
}

func mustNewUser(t *testing.T, email string) *domain.User {
	t.Helper()
	u, err := domain.NewUser(email, "Jane", "0123456789", now)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCreateUserAndReadBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	u := mustNewUser(t, "Jane@Example.com")
	if err := store.CreateUser(ctx, u, "$argon2id$hash"); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	got, err := store.UserByID(ctx, u.ID())
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	want := []any{u.ID(), "jane@example.com", "Jane", u.Roles(), u.CreatedAt()}
	if diff := cmp.Diff(want, []any{got.ID(), got.Email(), got.Name(), got.Roles(), got.CreatedAt()}); diff != "" {
		t.Errorf("user read back (-want +got):\n%s", diff)
	}
	id, hash, err := store.Credentials(ctx, "JANE@EXAMPLE.COM")
	if err != nil || id != u.ID() || hash != "$argon2id$hash" {
		t.Errorf("Credentials = %v, %q, %v; want %v, the stored hash", id, hash, err, u.ID())
	}
	if _, err := store.UserByID(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("UserByID(unknown) error = %v, want ErrUserNotFound", err)
	}
	if _, _, err := store.Credentials(ctx, "joe@example.com"); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("Credentials(unknown) error = %v, want ErrUserNotFound", err)
	}
}

// TestCreateUserEmailTaken checks the translation of the unique index's
// violation, whatever the case of the email.
func TestCreateUserEmailTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	if err := store.CreateUser(ctx, mustNewUser(t, "jane@example.com"), "$h"); err != nil {
		t.Fatal(err)
	}
	// Bypass the domain's lower-casing: the index alone must catch it.
	dup := domain.RestoreUser(domain.StoredUser{ID: uuid.Must(uuid.NewV7()), Email: "JANE@example.COM", Name: "Jane", Roles: []string{"customer"}, CreatedAt: now})
	err := store.CreateUser(ctx, dup, "$h")
	if !errors.Is(err, domain.ErrEmailTaken) || !errors.Is(err, errs.Conflict) {
		t.Fatalf("CreateUser(same email, other case) error = %v, want ErrEmailTaken", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users.users) + (SELECT count(*) FROM users.passwords)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d rows in users and passwords, want 2: the failed registration left something behind", n)
	}
}

// TestReserveLoginAttemptIsExactUnderConcurrency races many attempts on one
// email with one slot left below the limit: exactly one of them may go on to
// check a password. A race is a matter of chance, so it runs several.
func TestReserveLoginAttemptIsExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	const rounds, attempts, limit = 5, 40, 10
	for round := range rounds {
		email := fmt.Sprintf("jane%d@example.com", round)
		for i := range limit - 1 {
			if _, err := store.ReserveLoginAttempt(ctx, email, now, 15*time.Minute, limit); err != nil {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		var (
			wg             sync.WaitGroup
			start          = make(chan struct{})
			mu             sync.Mutex
			passed, locked int
		)
		for range attempts {
			wg.Go(func() {
				<-start
				_, err := store.ReserveLoginAttempt(ctx, email, now, 15*time.Minute, limit)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					passed++
				case errors.Is(err, domain.ErrLockedOut):
					locked++
				default:
					t.Errorf("ReserveLoginAttempt: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if passed != 1 || locked != attempts-1 {
			t.Errorf("round %d: %d attempts passed and %d were locked out, want 1 and %d", round+1, passed, locked, attempts-1)
		}
	}
}

func TestReserveLoginAttemptWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	const window, limit = 15 * time.Minute, 3
	reserve := func(at time.Time) error {
		_, err := store.ReserveLoginAttempt(ctx, "jane@example.com", at, window, limit)
		return err
	}
	for i := range limit {
		if err := reserve(now.Add(time.Duration(i) * time.Second)); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	steps := []struct {
		at   time.Time
		want error
	}{
		{now.Add(time.Minute), domain.ErrLockedOut},
		{now.Add(window), domain.ErrLockedOut},    // the first failure is exactly window old: still counts
		{now.Add(window + time.Microsecond), nil}, // now it has left the window
		{now.Add(window + 2*time.Microsecond), domain.ErrLockedOut},
		{now.Add(window + 2*time.Second), nil}, // the third original failure has left
	}
	for _, s := range steps {
		if err := reserve(s.at); !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Errorf("attempt at now+%v: error %v, want %v", s.at.Sub(now), err, s.want)
		}
	}
	// Another email is not affected.
	if _, err := store.ReserveLoginAttempt(ctx, "joe@example.com", now.Add(time.Minute), window, limit); err != nil {
		t.Errorf("attempt for another email: %v", err)
	}
	// Failures that left the window are deleted at the email's next attempt.
	var old int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users.login_failures WHERE failed_at < $1`, now.Add(2*time.Second)).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if old != 0 {
		t.Errorf("%d failures older than the window are left, want 0", old)
	}
}

func TestForgetLoginAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	for i := range 5 {
		id, err := store.ReserveLoginAttempt(ctx, "jane@example.com", now, time.Minute, 1)
		if err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		if err := store.ForgetLoginAttempt(ctx, id); err != nil {
			t.Fatalf("ForgetLoginAttempt: %v", err)
		}
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	u := mustNewUser(t, "jane@example.com")
	if err := store.CreateUser(ctx, u, "$h"); err != nil {
		t.Fatal(err)
	}
	sess, _ := domain.NewSession(u.ID(), now, time.Hour)
	if err := store.CreateSession(ctx, sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	got, err := store.UserBySession(ctx, sess.TokenHash(), now.Add(time.Hour-time.Microsecond))
	if err != nil || got.ID() != u.ID() {
		t.Fatalf("UserBySession before expiry = %v, %v; want user %v", got, err, u.ID())
	}
	if _, err := store.UserBySession(ctx, sess.TokenHash(), now.Add(time.Hour)); !errors.Is(err, domain.ErrInvalidToken) {
		t.Errorf("UserBySession at expiry error = %v, want ErrInvalidToken", err)
	}
	if err := store.RevokeSession(ctx, sess.TokenHash(), now.Add(time.Hour)); !errors.Is(err, domain.ErrInvalidToken) {
		t.Errorf("RevokeSession of an expired session error = %v, want ErrInvalidToken", err)
	}

	// A new sign-in drops the expired session.
	next, _ := domain.NewSession(u.ID(), now.Add(2*time.Hour), time.Hour)
	if err := store.CreateSession(ctx, next); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users.sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d sessions stored, want 1: the expired one should be gone", n)
	}
	at := now.Add(2 * time.Hour)
	if err := store.RevokeSession(ctx, next.TokenHash(), at); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	if _, err := store.UserBySession(ctx, next.TokenHash(), at); !errors.Is(err, domain.ErrInvalidToken) {
		t.Errorf("UserBySession after revocation error = %v, want ErrInvalidToken", err)
	}
	if err := store.RevokeSession(ctx, next.TokenHash(), at); !errors.Is(err, domain.ErrInvalidToken) {
		t.Errorf("RevokeSession twice error = %v, want ErrInvalidToken", err)
	}
}

func TestSetAddressUnknownUser(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	a, err := domain.NewAddress("1 High Street", "", "Oxford", "OX1 1AA", "GB")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetAddress(context.Background(), uuid.Must(uuid.NewV7()), a, now); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("SetAddress(unknown user) error = %v, want ErrUserNotFound", err)
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
	store := persistence.NewStore(pool)
	_, err = store.UserByID(context.Background(), uuid.Must(uuid.NewV7()))
	if !errors.Is(err, errs.Unavailable) || !errors.Is(err, pgtx.ErrUnavailable) {
		t.Errorf("UserByID on an unreachable database error = %v, want errs.Unavailable", err)
	}
}
