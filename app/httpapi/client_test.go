package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/shared/testdb"
	"example.com/bookapp/users"
)

// cheapHashing keeps argon2id fast in HTTP tests; users' own tests cover the
// production parameters.
var cheapHashing = users.HashingParams{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

// newServer serves the real router over a fresh database with every context's
// migrations.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	pool := testdb.New(t, users.Migrations())
	usersModule := users.New(pool, users.Options{PasswordHashing: cheapHashing})
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{
		Log:   slog.New(slog.DiscardHandler),
		DB:    pool,
		Users: usersModule.Service(),
	}))
	t.Cleanup(srv.Close)
	return srv
}

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
