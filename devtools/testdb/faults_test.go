package testdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"example.com/bookapp/devtools/testdb"
)

// The proxy passes statements through until armed, then plays each fault to
// the armed statement only: the PostgreSQL error the server would send (a
// fatal one ending the connection), or a reset.
func TestFaultProxy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	proxy, url := testdb.NewFaultProxy(t, testdb.NewEmpty(t))
	one := func(conn *pgx.Conn) error {
		var n int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("SELECT 1 = %d through the proxy", n)
		}
		return nil
	}
	for _, f := range testdb.Faults {
		t.Run(string(f), func(t *testing.T) {
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if err := one(conn); err != nil {
				t.Fatalf("unarmed: %v", err)
			}
			before := proxy.Statements()
			proxy.Arm(f, 2)
			if err := one(conn); err != nil {
				t.Fatalf("the statement before the armed one: %v", err)
			}
			err = one(conn)
			var pgErr *pgconn.PgError
			switch {
			case f == testdb.ConnectionReset:
				if err == nil || errors.As(err, &pgErr) {
					t.Fatalf("reset: error = %v, want a broken connection", err)
				}
			case !errors.As(err, &pgErr) || pgErr.Code != string(f):
				t.Fatalf("error = %v, want SQLSTATE %s", err, f)
			}
			if got := proxy.Statements() - before; got != 2 {
				t.Errorf("statements counted = %d, want 2", got)
			}
			// 57014 leaves the connection usable; the others end it.
			err = one(conn)
			if f == testdb.QueryCanceled && err != nil {
				t.Errorf("after 57014: %v, want the connection to work", err)
			}
			if f != testdb.QueryCanceled && err == nil {
				t.Errorf("after %s: the connection still works, want it ended", f)
			}
		})
	}
	if fired := proxy.Disarm(); fired != len(testdb.Faults) {
		t.Errorf("fired %d faults, want %d", fired, len(testdb.Faults))
	}
}

// A fault armed inside a transaction fails the transaction, and the
// connection goes on after the rollback.
func TestFaultProxyInATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	proxy, url := testdb.NewFaultProxy(t, testdb.NewEmpty(t))
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE t (n int)"); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	proxy.Arm(testdb.QueryCanceled, 1)
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (2)"); err == nil {
		t.Fatal("the armed insert succeeded")
	}
	if err := tx.Commit(ctx); err == nil {
		t.Error("commit of a failed transaction succeeded")
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after the failed transaction = %d, %v; want 0, nil", n, err)
	}
}
