// Package pgtx runs a function in a PostgreSQL transaction and retries it when
// PostgreSQL aborts the transaction for a reason a retry cures: a
// serialization failure (SQLSTATE 40001) or a detected deadlock (40P01).
//
// Every context's write transactions go through Run, so a deadlock between
// two customers' requests costs a few milliseconds instead of a 500. The
// function may run more than once: it must do nothing but database work in
// the transaction it is given (no sends, no writes to shared memory it does
// not reset), which is what a persistence method does anyway.
//
// Unavailable sorts the other way round: it tells the errors that mean the
// database is out of reach for now (answer 503) from those that mean a bug
// (answer 500); Wrap is how every context's stores name their errors with
// it, so they classify alike. Read runs a read once more when the server had
// ended its connection, as a failover does.
package pgtx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/shared/errs"
)

// ErrUnavailable reports that the database could not be reached or could not
// do the work now; it is of kind errs.Unavailable, so the HTTP layer answers
// 503. Every store and loader marks its outage errors with it through Wrap.
var ErrUnavailable = errs.New(errs.Unavailable, "the database is unavailable")

// Wrap names the operation that failed (op starts with the context, as in
// "books: get book") and, when Unavailable(err), marks the error as
// ErrUnavailable; any other error — a PostgreSQL error that means a bug or a
// broken invariant, a cancelled request — is only named. It returns nil for
// nil. It is the one classification every context's persistence uses.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if Unavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Attempts is how many times Run tries a transaction before it returns the
// last retryable error.
const Attempts = 4

// A Beginner starts transactions: *pgxpool.Pool, *pgx.Conn, or a pgx.Tx (a
// savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Run calls fn in a transaction on db and commits if fn returns nil, rolls
// back otherwise. When the transaction fails with a serialization failure or
// a deadlock, Run waits a short, growing, jittered while (about 5, 10, 20 ms)
// and runs it again, at most Attempts times in all, and stops early when ctx
// is done. It returns fn's error or the commit's, unchanged, so callers can
// still match them with errors.As.
func Run(ctx context.Context, db Beginner, fn func(pgx.Tx) error) error {
	backoff := 5 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, db, fn)
		if err == nil || attempt == Attempts || !Retryable(err) {
			return err
		}
		// Full jitter around the backoff keeps two colliding transactions
		// from colliding again on the retry.
		wait := backoff/2 + rand.N(backoff)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		backoff *= 2
	}
}

// Retryable reports whether err is a PostgreSQL error that running the whole
// transaction again may cure: a serialization failure or a deadlock.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// Unavailable reports whether err means the database cannot do the work now,
// through no fault of the statement — the request may succeed later, so the
// caller should answer 503, not 500: no connection or a connection that died,
// a timeout, or a PostgreSQL error saying the server is going away or is
// overloaded (connection exceptions, class 08; 57P01 terminating connection
// due to administrator command; 57P02 crash shutdown; 57P03 cannot connect
// now, the server is starting; 53300 too many connections; 57014 statement
// cancelled, as by statement_timeout). Any other PostgreSQL error is a bug or
// a broken invariant, and a cancelled context is the client's doing: both
// report false, as does nil.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true
	}
	switch pgErr.Code {
	case "57P01", "57P02", "57P03", "53300", "57014":
		return true
	}
	return strings.HasPrefix(pgErr.Code, "08")
}

// Read runs fn, which only reads, and runs it once more when it failed
// because the connection it drew from pool had been ended under it
// (Terminated): after a failover or an administrator's restart, the first
// read on each pooled connection meets "terminating connection due to
// administrator command", and the caller would get 503 for a database that
// is back. The server ends every connection at once in those cases, so the
// other idle connections are dead too: Read resets the pool (pgxpool's Reset
// is meant for errors that disrupt all connections; connections in use are
// closed when released) and the second run gets a new connection. Writes do
// not go through Read: a statement that may have reached the server is not
// run twice.
func Read[T any](ctx context.Context, pool Resetter, fn func() (T, error)) (T, error) {
	v, err := fn()
	if err == nil || ctx.Err() != nil || !Terminated(err) {
		return v, err
	}
	pool.Reset()
	return fn()
}

// A Resetter closes every idle connection of a pool: *pgxpool.Pool.
type Resetter interface {
	Reset()
}

var _ Resetter = (*pgxpool.Pool)(nil)

// Terminated reports whether err says that the connection ended under the
// statement — the server ended it (57P01 administrator command, 57P02 crash
// shutdown, a class 08 connection exception) or it was found closed or reset
// — so that the same read on a new connection may succeed. A connection that
// could not be opened at all is not terminated: a retry would only wait for
// the connect timeout again.
func Terminated(err error) bool {
	var connectErr *pgconn.ConnectError
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &connectErr) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || strings.HasPrefix(pgErr.Code, "08")
	}
	return pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
