package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/users"
)

// A request that cannot get a database connection within its deadline is
// answered 503 problem+json when the deadline passes: it neither hangs nor
// fails with 500.
func TestRequestDeadlineEndsAWaitForTheDatabase(t *testing.T) {
	ctx := context.Background()
	cfg := testdb.New(t, users.Migrations()).Config()
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	const timeout = 300 * time.Millisecond
	metrics := httpapi.NewMetrics()
	metrics.WatchPool("requests", pool)
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{
		Log:            slog.New(slog.DiscardHandler),
		DB:             pool,
		Users:          users.New(pool, users.Options{PasswordHashing: cheapHashing}),
		Metrics:        metrics,
		RequestTimeout: timeout,
	}))
	defer srv.Close()
	register(t, srv, "waiting@example.com")
	token := login(t, srv, "waiting@example.com")

	held, err := pool.Acquire(ctx) // the pool's only connection
	if err != nil {
		t.Fatal(err)
	}
	// Without a deadline the request would wait for the connection: give
	// it back after a while, so that such a failure shows as a slow 200.
	release := sync.OnceFunc(held.Release)
	time.AfterFunc(5*time.Second, release)
	start := time.Now()
	r := do(t, srv, "GET", "/api/users/me", token, nil)
	took := time.Since(start)
	release()

	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("GET /api/users/me while the pool is exhausted = %d %s, want 503", r.status, r.body)
	}
	r.problem(t)
	if took < timeout || took > timeout+time.Second {
		t.Errorf("the 503 came after %s, want just after the %s deadline", took, timeout)
	}
	if series, _ := scrape(t, srv); series[`bookapp_db_pool_canceled_acquires_total{pool="requests"}`] != 1 {
		t.Errorf("bookapp_db_pool_canceled_acquires_total = %v, want 1", series[`bookapp_db_pool_canceled_acquires_total{pool="requests"}`])
	}
	// The pool is whole again: the next request gets its connection.
	if r := do(t, srv, "GET", "/api/users/me", token, nil); r.status != http.StatusOK {
		t.Errorf("after the connection came back: %d %s", r.status, r.body)
	}
}
