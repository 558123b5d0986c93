package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/books"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/users"
)

// cheapHashing keeps argon2id fast in HTTP tests; users' own tests cover the
// production parameters.
var cheapHashing = users.HashingParams{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

// newServer serves the real router over a fresh database with every context's
// migrations, the contexts wired as the app wires them (orders asks books
// through a verified broker and users through the address contract).
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := newServerAt(t, nil)
	return srv
}

// newServerAt is newServer with the orders context's clock set to now (nil:
// time.Now); it also returns the database's pool.
func newServerAt(t testing.TB, now func() time.Time) (*httptest.Server, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t, users.Migrations(), books.Migrations(), orders.Migrations())
	return newServerOn(t, pool, now), pool
}

// newServerOn is newServerAt over pool, whose database holds every
// context's migrations, with orders' events relayed as serve relays them.
func newServerOn(t testing.TB, pool *pgxpool.Pool, now func() time.Time) *httptest.Server {
	t.Helper()
	a := wireApp(t, pool, now)
	a.relay(t)
	return a.srv
}

// testApp is the app wired as serve wires it, over a test database.
type testApp struct {
	srv        *httptest.Server
	pool       *pgxpool.Pool // the request pool
	background *pgxpool.Pool // the background pool, three connections, as serve's
	events     *outbox.Outbox
	books      *books.Module
}

// wireApp wires the contexts over pool as serve does (orders asks books
// through a verified broker and users through the address contract, books
// consumes orders' events, background work on a pool of its own) and serves
// the real router; the relays do not run until relay is called.
func wireApp(t testing.TB, pool *pgxpool.Pool, now func() time.Time) *testApp {
	t.Helper()
	cfg := pool.Config()
	cfg.MaxConns = 3
	background, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("background pool: %v", err)
	}
	t.Cleanup(background.Close)
	usersModule := users.New(pool, users.Options{PasswordHashing: cheapHashing})
	if err := usersModule.EnsureAdmin(context.Background(), adminEmail, password, "Ada Admin"); err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	booksModule := books.New(pool, books.Options{Background: background})
	b := broker.New()
	if err := booksModule.RegisterHandlers(b); err != nil {
		t.Fatalf("books.RegisterHandlers: %v", err)
	}
	ordersModule := orders.New(pool, b, usersModule.AddressProvider(), orders.Options{Now: now, Background: background,
		Events: outbox.Options{Log: slog.New(slog.DiscardHandler)}})
	if err := b.Verify(); err != nil {
		t.Fatalf("broker.Verify: %v", err)
	}
	booksModule.Subscribe(ordersModule.Events())
	if err := ordersModule.Events().Verify(); err != nil {
		t.Fatalf("outbox.Verify: %v", err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{
		Log:    slog.New(slog.DiscardHandler),
		DB:     pool,
		Users:  usersModule,
		Books:  booksModule,
		Orders: ordersModule,
	}))
	t.Cleanup(srv.Close)
	return &testApp{srv: srv, pool: pool, background: background, events: ordersModule.Events(), books: booksModule}
}

// relay runs orders' relays, and books' background work (which lists the
// copies sold the events move), until the test ends.
func (a *testApp) relay(t testing.TB) {
	ctx, stopRelays := context.WithCancel(context.Background())
	relayed, listed := make(chan error, 1), make(chan struct{})
	go func() { relayed <- a.events.Run(ctx) }()
	go func() { a.books.Run(ctx, slog.New(slog.DiscardHandler)); close(listed) }()
	t.Cleanup(func() {
		stopRelays()
		<-listed
		if err := <-relayed; err != nil {
			t.Errorf("relays: %v", err)
		}
	})
}

// adminEmail is the administrator every test server has; it signs in with
// password, like the customers the tests register.
const adminEmail = "admin@example.com"

// response is a decoded answer: status, headers, raw body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes the body as problem details, failing the test if the answer
// is not application/problem+json with the expected status in the body.
func (r response) problem(t *testing.T) problemBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (body %s)", ct, r.body)
	}
	var p problemBody
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != r.status || p.Title == "" || p.Type == "" {
		t.Errorf("problem %+v: status must match %d, title and type must be set", p, r.status)
	}
	return p
}

type problemBody struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	RequestID string            `json:"requestId"`
	Errors    map[string]string `json:"errors"`
}

// do sends method path with body (marshalled to JSON unless it is a string,
// sent as is) and token as bearer, and reads the answer.
func do(t *testing.T, srv *httptest.Server, method, path, token string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkContract(t, req, resp.StatusCode, resp.Header, b) // every answer is one openapi.json describes
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode unmarshals r's JSON body into a T, failing on a status other than
// want.
func decode[T any](t *testing.T, r response, want int) T {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d (body %s)", r.status, want, r.body)
	}
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return v
}
