package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/users"
	"github.com/google/uuid"
)

// After a few requests, /metrics counts them by route pattern, method, status
// and context, times them, and reports the pool.
func TestMetricsCountRequestsByRoute(t *testing.T) {
	pool := testdb.New(t, users.Migrations())
	metrics := httpapi.NewMetrics()
	metrics.WatchPool("requests", pool)
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{
		Log:     slog.New(slog.DiscardHandler),
		DB:      pool,
		Users:   users.New(pool, users.Options{PasswordHashing: cheapHashing}),
		Metrics: metrics,
	}))
	defer srv.Close()

	register(t, srv, "counted@example.com")
	token := login(t, srv, "counted@example.com")
	for range 3 {
		if r := do(t, srv, "GET", "/api/users/me", token, nil); r.status != http.StatusOK {
			t.Fatalf("GET /api/users/me = %d %s", r.status, r.body)
		}
	}
	do(t, srv, "GET", "/api/users/me", "", nil) // 401
	do(t, srv, "GET", "/healthz", "", nil)
	// Paths no route matches share one series, whatever they are.
	for _, path := range []string{"/wp-admin", "/no/such/thing", "/api/users/me/nothing-here"} {
		do(t, srv, "GET", path, "", nil)
	}
	do(t, srv, "FROB", "/healthz", "", nil)

	series, text := scrape(t, srv)
	for s, want := range map[string]float64{
		`bookapp_http_requests_total{context="users",method="POST",route="/api/users",status="201"}`:      1,
		`bookapp_http_requests_total{context="users",method="POST",route="/api/auth/login",status="200"}`: 1,
		`bookapp_http_requests_total{context="users",method="GET",route="/api/users/me",status="200"}`:    3,
		`bookapp_http_requests_total{context="users",method="GET",route="/api/users/me",status="401"}`:    1,
		`bookapp_http_requests_total{context="ops",method="GET",route="/healthz",status="200"}`:           1,
		`bookapp_http_requests_total{context="ops",method="GET",route="unmatched",status="404"}`:          3,
		`bookapp_http_request_duration_seconds_count{context="users",method="GET",route="/api/users/me"}`: 4,
		`bookapp_http_requests_in_flight`:                  1, // the scrape itself
		`bookapp_db_pool_max_connections{pool="requests"}`: 10,
	} {
		if got, ok := series[s]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", s, got, ok, want)
		}
	}
	if n := series[`bookapp_db_pool_acquires_total{pool="requests"}`]; n < 5 {
		t.Errorf("bookapp_db_pool_acquires_total = %v, want at least one per database request", n)
	}
	if series[`bookapp_db_pool_total_connections{pool="requests"}`] < 1 {
		t.Error("bookapp_db_pool_total_connections < 1 after database work")
	}
	// Latency buckets run from half a millisecond to 2.5 s.
	for _, le := range []string{"0.0005", "2.5", "+Inf"} {
		s := `bookapp_http_request_duration_seconds_bucket{context="ops",method="GET",route="/healthz",le="` + le + `"}`
		if _, ok := series[s]; !ok {
			t.Errorf("no bucket %s", s)
		}
	}
	for _, raw := range []string{"wp-admin", "no/such", "nothing-here", "FROB"} {
		if strings.Contains(text, raw) {
			t.Errorf("/metrics mentions the raw path or method %q", raw)
		}
	}
	for _, s := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := series[s]; !ok {
			t.Errorf("no %s: runtime and process collectors missing", s)
		}
	}
	if _, ok := series[`bookapp_http_requests_total{context="ops",method="OTHER",route="unmatched",status="405"}`]; !ok {
		t.Errorf("an unknown method is not counted as OTHER:\n%s", grep(text, "bookapp_http_requests_total"))
	}
}

// Every Ask is timed by name and outcome through the broker's observer.
func TestMetricsObserveBrokerAsks(t *testing.T) {
	metrics := httpapi.NewMetrics()
	b := broker.New(broker.WithObserver(metrics.ObserveAsk))
	type req struct{ N int }
	type rep struct{ N int }
	errOdd := errors.New("odd")
	if err := broker.Handle(b, "test.double", func(_ context.Context, r req) (rep, error) {
		if r.N%2 != 0 {
			return rep{}, errOdd
		}
		return rep{2 * r.N}, nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, n := range []int{2, 4, 1} {
		_, _ = broker.Ask[req, rep](ctx, b, "test.double", req{n})
	}
	_, _ = broker.Ask[req, rep](ctx, b, "test.missing", req{})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _ = broker.Ask[req, rep](cancelled, b, "test.double", req{2})

	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Metrics: metrics}))
	defer srv.Close()
	series, text := scrape(t, srv)
	for s, want := range map[string]float64{
		`bookapp_broker_ask_duration_seconds_count{name="test.double",outcome="ok"}`:          2,
		`bookapp_broker_ask_duration_seconds_count{name="test.double",outcome="error"}`:       1,
		`bookapp_broker_ask_duration_seconds_count{name="test.double",outcome="canceled"}`:    1,
		`bookapp_broker_ask_duration_seconds_count{name="test.missing",outcome="no_handler"}`: 1,
	} {
		if got := series[s]; got != want {
			t.Errorf("%s = %v, want %v\n%s", s, got, want, grep(text, "bookapp_broker_ask_duration_seconds_count"))
		}
	}
}

// scrape fetches /metrics and returns each sample by its series (name and
// labels as exposed), and the whole text.
func scrape(t *testing.T, srv *httptest.Server) (map[string]float64, string) {
	t.Helper()
	r := do(t, srv, "GET", "/metrics", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", r.status, r.header.Get("Content-Type"))
	}
	series := make(map[string]float64)
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("bad sample line %q", line)
		}
		series[line[:i]] = v
	}
	return series, string(r.body)
}

// grep returns the lines of text that contain s, for failure messages.
func grep(text, s string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// /metrics reports the orders outbox's deliveries by type and consumer:
// pending (with the oldest one's age) and parked, read from the tables, and
// zeros for a consumer with nothing waiting.
func TestMetricsReportEvents(t *testing.T) {
	pool := testdb.New(t, users.Migrations(), orders.Migrations())
	metrics := httpapi.NewMetrics()
	metrics.WatchPool("requests", pool)
	events := orders.Outbox(pool)
	outbox.Subscribe(events, "books.sales", orders.OrderPlacedEvent, func(context.Context, []outbox.Received[struct{}]) error { return nil })
	outbox.Subscribe(events, "test.idle", orders.OrderCancelledEvent, func(context.Context, []outbox.Received[struct{}]) error { return nil })
	metrics.WatchEvents(events)
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{
		Log: slog.New(slog.DiscardHandler), DB: pool, Metrics: metrics,
		Users: users.New(pool, users.Options{PasswordHashing: cheapHashing}),
	}))
	defer srv.Close()
	// Two events of one order for books.sales: the first parked, the
	// second pending behind it, placed a minute ago.
	ctx := context.Background()
	order := uuid.Must(uuid.NewV7())
	for pos, parked := range []bool{true, false} {
		id := uuid.Must(uuid.NewV7())
		if _, err := pool.Exec(ctx, `INSERT INTO orders.outbox_events (id, aggregate_id, position, type, version, payload, created_at)
			VALUES ($1, $2, $3, 'orders.order-placed', 1, '{}', now() - interval '1 minute')`, id, order, pos+1); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO orders.outbox_deliveries (event_id, consumer, next_at, parked_at)
			VALUES ($1, 'books.sales', now(), CASE WHEN $2 THEN now() END)`, id, parked); err != nil {
			t.Fatal(err)
		}
	}
	series, text := scrape(t, srv)
	for s, want := range map[string]float64{
		`bookapp_events_pending{consumer="books.sales",producer="orders",type="orders.order-placed"}`:      1,
		`bookapp_events_parked{consumer="books.sales",producer="orders",type="orders.order-placed"}`:       1,
		`bookapp_events_pending{consumer="test.idle",producer="orders",type="orders.order-cancelled"}`:     0,
		`bookapp_events_lag_seconds{consumer="test.idle",producer="orders",type="orders.order-cancelled"}`: 0,
	} {
		if got, ok := series[s]; !ok || got != want {
			t.Errorf("%s = %v (present %t), want %v\n%s", s, got, ok, want, grep(text, "bookapp_events"))
		}
	}
	if lag := series[`bookapp_events_lag_seconds{consumer="books.sales",producer="orders",type="orders.order-placed"}`]; lag < 59 || lag > 120 {
		t.Errorf("books.sales lag %v s, want about 60", lag)
	}
}
