package service_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/infrastructure"
	"example.com/bookapp/users/service"
	"github.com/google/go-cmp/cmp"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	jane := f.mustRegister(t, "jane@example.com", "Jane")

	tok := f.mustLogin(t, " JANE@Example.com ", password)
	if len(tok.Token) < 22 { // 128 bits in base64
		t.Errorf("token %q is shorter than 128 bits", tok.Token)
	}
	if want := f.clock.Now().Add(24 * time.Hour); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want 24 h from now, %v", tok.ExpiresAt, want)
	}
	p, err := f.svc.Authenticate(ctx, tok.Token)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	want := auth.Principal{UserID: jane.ID, Name: "Jane", Roles: []string{auth.RoleCustomer}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Authenticate (-want +got):\n%s", diff)
	}
	// Each sign-in is a session of its own.
	if other := f.mustLogin(t, "jane@example.com", password); other.Token == tok.Token {
		t.Errorf("two sign-ins got the same token")
	}
}

// TestLoginFailuresLookAlike checks that a wrong password and an unknown email
// are indistinguishable: same error, and the same work (one password check).
func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")

	type outcome struct {
		Err      string
		Kind     string
		Fields   map[string]string
		Verified int64
	}
	try := func(email, pw string) outcome {
		before := f.hasher.verified.Load()
		_, err := f.svc.Login(ctx, email, pw)
		if !errors.Is(err, service.ErrBadCredentials) || !errors.Is(err, errs.Unauthenticated) {
			t.Errorf("Login(%q, %q) error = %v, want ErrBadCredentials (unauthenticated)", email, pw, err)
		}
		return outcome{Err: err.Error(), Kind: errs.KindOf(err).Error(), Fields: errs.FieldsOf(err), Verified: f.hasher.verified.Load() - before}
	}
	wrongPassword := try("jane@example.com", "wrong password")
	unknownEmail := try("joe@example.com", password)
	invalidEmail := try("not an email", password)
	if diff := cmp.Diff(wrongPassword, unknownEmail); diff != "" {
		t.Errorf("wrong password and unknown email differ (-wrong password +unknown email):\n%s", diff)
	}
	if diff := cmp.Diff(wrongPassword, invalidEmail); diff != "" {
		t.Errorf("wrong password and invalid email differ (-wrong password +invalid email):\n%s", diff)
	}
	if wrongPassword.Verified != 1 {
		t.Errorf("a failed sign-in checked %d passwords, want 1", wrongPassword.Verified)
	}
	// Both were recorded as failures for the lockout.
	for _, email := range []string{"jane@example.com", "joe@example.com"} {
		if n := f.count(t, `SELECT count(*) FROM users.login_failures WHERE email = $1`, email); n != 1 {
			t.Errorf("%d failures recorded for %s, want 1", n, email)
		}
	}
}

// TestLoginRejectsImpossibleEmail: no account can have an empty email, one
// over the limit or one with a control character, so such an attempt is
// refused at once and not recorded.
func TestLoginRejectsImpossibleEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t, service.Options{})
	for _, email := range []string{"", "   ", strings.Repeat("a", 300) + "@example.com", "a\x00b@example.com"} {
		_, err := f.svc.Login(context.Background(), email, password)
		if !errors.Is(err, service.ErrBadCredentials) {
			t.Errorf("Login(%q) error = %v, want ErrBadCredentials", email, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM users.login_failures`); n != 0 {
		t.Errorf("%d failures recorded, want 0", n)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	f.mustRegister(t, "joe@example.com", "Joe")

	first := f.clock.Now()
	for i := range 10 {
		if _, err := f.svc.Login(ctx, "Jane@Example.com", "wrong password"); !errors.Is(err, service.ErrBadCredentials) {
			t.Fatalf("failure %d: error %v, want ErrBadCredentials", i+1, err)
		}
		f.clock.Advance(time.Second)
	}
	verified := f.hasher.verified.Load()
	for _, pw := range []string{"wrong password", password} {
		_, err := f.svc.Login(ctx, "jane@example.com", pw)
		if !errors.Is(err, service.ErrLockedOut) || !errors.Is(err, errs.TooManyRequests) {
			t.Errorf("Login(%q) after 10 failures: error %v, want ErrLockedOut (too many requests)", pw, err)
		}
	}
	if n := f.hasher.verified.Load() - verified; n != 0 {
		t.Errorf("%d passwords checked while locked out, want 0", n)
	}
	// Another account is not affected.
	f.mustLogin(t, "joe@example.com", password)

	// Still locked until the first failure is 15 minutes old ...
	f.clock.Advance(first.Add(15 * time.Minute).Sub(f.clock.Now()))
	if _, err := f.svc.Login(ctx, "jane@example.com", password); !errors.Is(err, service.ErrLockedOut) {
		t.Errorf("Login 15 minutes after the first failure: error %v, want ErrLockedOut", err)
	}
	// ... and open once it has left the window: refused attempts did not
	// extend the lock.
	f.clock.Advance(time.Microsecond)
	tok := f.mustLogin(t, "jane@example.com", password)
	if _, err := f.svc.Authenticate(ctx, tok.Token); err != nil {
		t.Errorf("Authenticate after the lockout: %v", err)
	}
}

// TestLockoutUnknownEmail checks that unknown emails lock out the same way,
// so the 429 reveals nothing about which accounts exist.
func TestLockoutUnknownEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	var lockedErrs []string
	for _, email := range []string{"jane@example.com", "nobody@example.com"} {
		for i := range 10 {
			if _, err := f.svc.Login(ctx, email, "wrong password"); !errors.Is(err, service.ErrBadCredentials) {
				t.Fatalf("%s failure %d: error %v, want ErrBadCredentials", email, i+1, err)
			}
		}
		_, err := f.svc.Login(ctx, email, "wrong password")
		if !errors.Is(err, service.ErrLockedOut) {
			t.Fatalf("%s after 10 failures: error %v, want ErrLockedOut", email, err)
		}
		lockedErrs = append(lockedErrs, err.Error())
	}
	if lockedErrs[0] != lockedErrs[1] {
		t.Errorf("lockout of a known email says %q, of an unknown one %q", lockedErrs[0], lockedErrs[1])
	}
}

// TestSuccessDoesNotCountAsFailure: a successful sign-in is not a failure,
// and does not clear the failures before it.
func TestSuccessDoesNotCountAsFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	fail := func() error {
		_, err := f.svc.Login(ctx, "jane@example.com", "wrong password")
		return err
	}
	for range 9 {
		if err := fail(); !errors.Is(err, service.ErrBadCredentials) {
			t.Fatalf("failure: %v", err)
		}
	}
	f.mustLogin(t, "jane@example.com", password)
	f.mustLogin(t, "jane@example.com", password)
	if err := fail(); !errors.Is(err, service.ErrBadCredentials) { // the 10th failure
		t.Fatalf("10th failure: %v, want ErrBadCredentials", err)
	}
	if _, err := f.svc.Login(ctx, "jane@example.com", password); !errors.Is(err, service.ErrLockedOut) {
		t.Errorf("after 9 failures, 2 successes and 1 failure: error %v, want ErrLockedOut", err)
	}
}

// TestLockoutUnderConcurrency races 30 wrong attempts: exactly 10 may have
// their password checked.
func TestLockoutUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	const n = 30
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, results[i] = f.svc.Login(context.Background(), "jane@example.com", "wrong password") })
	}
	wg.Wait()
	bad, locked := 0, 0
	for _, err := range results {
		switch {
		case errors.Is(err, service.ErrBadCredentials):
			bad++
		case errors.Is(err, service.ErrLockedOut):
			locked++
		default:
			t.Errorf("unexpected result %v", err)
		}
	}
	if bad != 10 || locked != n-10 {
		t.Errorf("%d attempts got ErrBadCredentials and %d ErrLockedOut, want 10 and %d", bad, locked, n-10)
	}
	if v := f.hasher.verified.Load(); v != 10 {
		t.Errorf("%d passwords checked, want 10", v)
	}
}

// TestSecretsAreNotStoredInPlaintext reads every row of every table of the
// schema and looks for the password and the token.
func TestSecretsAreNotStoredInPlaintext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	jane := f.mustRegister(t, "jane@example.com", "Jane")
	tok := f.mustLogin(t, "jane@example.com", password)
	if _, err := f.svc.Login(ctx, "jane@example.com", "a wrong password"); err == nil {
		t.Fatal("Login with a wrong password succeeded")
	}

	var hash string
	if err := f.pool.QueryRow(ctx, `SELECT hash FROM users.passwords WHERE user_id = $1`, jane.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") {
		t.Errorf("stored password hash %q is not argon2id", hash)
	}
	var stored []byte
	if err := f.pool.QueryRow(ctx, `SELECT token_hash FROM users.sessions WHERE user_id = $1`, jane.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(tok.Token)); string(stored) != string(sum[:]) {
		t.Errorf("stored token_hash %x, want the SHA-256 of the token", stored)
	}

	rows, err := f.pool.Query(ctx, `
		SELECT table_name, row_to_json(t)::text
		FROM (SELECT 'users' AS table_name, row_to_json(u)::jsonb AS r FROM users.users u
		      UNION ALL SELECT 'passwords', row_to_json(p)::jsonb FROM users.passwords p
		      UNION ALL SELECT 'sessions', row_to_json(s)::jsonb FROM users.sessions s
		      UNION ALL SELECT 'login_failures', row_to_json(l)::jsonb FROM users.login_failures l
		      UNION ALL SELECT 'addresses', row_to_json(a)::jsonb FROM users.addresses a) t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, row string
		if err := rows.Scan(&table, &row); err != nil {
			t.Fatal(err)
		}
		n++
		for _, secret := range []string{password, "a wrong password", tok.Token} {
			if strings.Contains(row, secret) {
				t.Errorf("users.%s holds %q in plaintext: %s", table, secret, row)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Errorf("read %d rows, want at least 4 (user, password, session, failure)", n)
	}
}

// TestLoginRehashesOldHashes checks that a hash made with older parameters is
// replaced by one with the current parameters at the next sign-in.
func TestLoginRehashesOldHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, service.Options{})
	f.mustRegister(t, "jane@example.com", "Jane")
	stronger := infrastructure.NewArgon2id(infrastructure.Argon2Params{Memory: 512, Time: 2, Threads: 1})
	svc := service.New(f.store, stronger, f.clock.Now, service.Options{})
	hashOf := func() string {
		var h string
		if err := f.pool.QueryRow(ctx, `SELECT hash FROM users.passwords`).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	if _, err := svc.Login(ctx, "jane@example.com", password); err != nil {
		t.Fatalf("Login with new parameters: %v", err)
	}
	if h := hashOf(); !strings.Contains(h, "$m=512,t=2,p=1$") {
		t.Errorf("hash after sign-in = %q, want it made with m=512,t=2,p=1", h)
	}
	if _, err := svc.Login(ctx, "jane@example.com", password); err != nil {
		t.Errorf("Login after rehash: %v", err)
	}
}
