package pgtx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/pgtx"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// Two transactions that lock two rows in opposite orders deadlock; PostgreSQL
// aborts one, Run retries it, and both updates land.
func TestRunRetriesDeadlock(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
		INSERT INTO counters VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var ready sync.WaitGroup // both hold their first lock before taking the second
	ready.Add(2)
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for _, order := range [][2]int{{1, 2}, {2, 1}} {
		wg.Go(func() {
			first := true
			errc <- pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
				attempts.Add(1)
				if _, err := tx.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE id = $1`, order[0]); err != nil {
					return err
				}
				if first {
					first = false
					ready.Done()
					ready.Wait()
				}
				_, err := tx.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE id = $1`, order[1])
				return err
			})
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	}
	if got := attempts.Load(); got < 3 {
		t.Errorf("attempts = %d, want at least 3 (one transaction retried after the deadlock)", got)
	}
	var a, b int
	if err := pool.QueryRow(ctx, `SELECT (SELECT n FROM counters WHERE id = 1), (SELECT n FROM counters WHERE id = 2)`).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a != 2 || b != 2 {
		t.Errorf("counters = %d, %d; want 2, 2", a, b)
	}
}

// A retryable error is tried Attempts times and then returned as it is; any
// other error is returned at once and the transaction rolled back.
func TestRunAttempts(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE log (n int)`); err != nil {
		t.Fatal(err)
	}
	serialization := &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	calls := 0
	err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		calls++
		if _, err := tx.Exec(ctx, `INSERT INTO log VALUES (1)`); err != nil {
			return err
		}
		return serialization
	})
	if !errors.Is(err, serialization) || calls != pgtx.Attempts {
		t.Errorf("Run = %v after %d calls; want the serialization failure after %d", err, calls, pgtx.Attempts)
	}

	other := errors.New("rule broken")
	calls = 0
	err = pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		calls++
		if _, err := tx.Exec(ctx, `INSERT INTO log VALUES (2)`); err != nil {
			return err
		}
		return other
	})
	if !errors.Is(err, other) || calls != 1 {
		t.Errorf("Run = %v after %d calls; want %v after 1", err, calls, other)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows left by failed transactions, want 0", n)
	}

	calls = 0
	if err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		calls++
		_, err := tx.Exec(ctx, `INSERT INTO log VALUES (3)`)
		return err
	}); err != nil || calls != 1 {
		t.Fatalf("Run = %v after %d calls, want nil after 1", err, calls)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM log`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rows = %d (%v), want 1 committed", n, err)
	}
}

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"cancelled", fmt.Errorf("query: %w", context.Canceled), false},
		{"deadline", fmt.Errorf("acquire: %w", context.DeadlineExceeded), true},
		{"dial", errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, true},
		{"connection failure", fmt.Errorf("x: %w", &pgconn.PgError{Code: "08006"}), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
	} {
		if got := pgtx.Unavailable(tc.err); got != tc.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// Wrap is the one classification every store uses: the errors that mean
// the database is out of reach for now carry ErrUnavailable (503); a
// PostgreSQL error that means a bug, and a request the client cancelled, do
// not; nil stays nil.
func TestWrapClassifies(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	tests := []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"57P01 terminated by administrator", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}, true},
		{"57P02 crash shutdown", &pgconn.PgError{Severity: "FATAL", Code: "57P02"}, true},
		{"57P03 cannot connect now", &pgconn.PgError{Severity: "FATAL", Code: "57P03"}, true},
		{"53300 too many connections", &pgconn.PgError{Severity: "FATAL", Code: "53300"}, true},
		{"57014 statement cancelled", &pgconn.PgError{Code: "57014"}, true},
		{"08000 connection exception", &pgconn.PgError{Code: "08000"}, true},
		{"08003 connection does not exist", &pgconn.PgError{Code: "08003"}, true},
		{"08006 connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"connection reset", reset, true},
		{"connection closed", io.ErrUnexpectedEOF, true},
		{"deadline", context.DeadlineExceeded, true},
		{"23505 unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"42P01 undefined table", &pgconn.PgError{Code: "42P01"}, false},
		{"cancelled by the client", context.Canceled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pgtx.Wrap("books: read tags", fmt.Errorf("driver: %w", tt.err))
			if got := errors.Is(err, pgtx.ErrUnavailable) && errors.Is(err, errs.Unavailable); got != tt.unavailable {
				t.Errorf("Wrap(%v) unavailable = %v, want %v", tt.err, got, tt.unavailable)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("Wrap(%v) lost the driver's error: %v", tt.err, err)
			}
			if !strings.HasPrefix(err.Error(), "books: read tags: ") {
				t.Errorf("Wrap's message %q does not start with the operation", err)
			}
		})
	}
	if err := pgtx.Wrap("books: read tags", nil); err != nil {
		t.Errorf("Wrap(nil) = %v, want nil", err)
	}
}

// Read runs a read once more, after resetting the pool, only when its
// connection had been ended under it; any other error, or a second
// termination, is returned as it is.
func TestReadRetriesATerminatedConnectionOnce(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	terminated := &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}
	for _, tt := range []struct {
		name      string
		errs      []error // what each call of fn returns, in turn
		wantCalls int
		wantErr   error
	}{
		{"succeeds", []error{nil}, 1, nil},
		{"terminated, then succeeds", []error{terminated, nil}, 2, nil},
		{"terminated twice", []error{terminated, terminated, nil}, 2, terminated},
		{"connection reset, then succeeds", []error{&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, nil}, 2, nil},
		{"a bug is not retried", []error{&pgconn.PgError{Code: "42P01"}, nil}, 1, nil},
		{"a server that refuses connections is not retried", []error{&pgconn.PgError{Code: "57P03"}, nil}, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			n, err := pgtx.Read(ctx, pool, func() (int, error) {
				err := tt.errs[calls]
				calls++
				var one int
				if qerr := pool.QueryRow(ctx, `SELECT 1`).Scan(&one); qerr != nil {
					t.Fatalf("read after Reset: %v", qerr)
				}
				return one, err
			})
			want := tt.wantErr
			if want == nil && tt.wantCalls == 1 {
				want = tt.errs[0]
			}
			if calls != tt.wantCalls || !errors.Is(err, want) || (want == nil && n != 1) {
				t.Errorf("Read = %d, %v after %d calls; want %v after %d", n, err, calls, want, tt.wantCalls)
			}
		})
	}
	if pgtx.Terminated(&pgconn.ConnectError{}) || pgtx.Terminated(context.Canceled) || pgtx.Terminated(nil) {
		t.Error("Terminated is true for a failed connect, a cancelled request or nil")
	}
}
