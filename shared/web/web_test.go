package web_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

type line struct {
	BookID   string `json:"bookId"`
	Quantity int    `json:"quantity"`
}

type order struct {
	Lines       []line `json:"lines"`
	AcceptTerms bool   `json:"acceptTerms"`
	Address     struct {
		City string `json:"city"`
	} `json:"address"`
}

type problem struct {
	Status    int               `json:"status"`
	Title     string            `json:"title"`
	Detail    string            `json:"detail"`
	RequestID string            `json:"requestId"`
	Errors    map[string]string `json:"errors"`
}

// serve runs h on a request and decodes the problem it answers, if any.
func serve(t *testing.T, h http.Handler, r *http.Request) (*httptest.ResponseRecorder, problem) {
	t.Helper()
	w := httptest.NewRecorder()
	web.WithRequestID(h).ServeHTTP(w, r)
	var p problem
	if ct := w.Header().Get("Content-Type"); ct == "application/problem+json" {
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("problem body %q: %v", w.Body, err)
		}
	}
	return w, p
}

func decodeHandler(t *testing.T, got *order) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := web.Decode[order](w, r)
		if err != nil {
			web.WriteError(w, r, slog.New(slog.DiscardHandler), err)
			return
		}
		*got = v
		w.WriteHeader(http.StatusNoContent)
	})
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		fields      map[string]string
	}{
		{"valid", "application/json", `{"lines":[{"bookId":"b","quantity":2}],"acceptTerms":true}`, 204, nil},
		{"charset is fine", "application/json; charset=utf-8", `{}`, 204, nil},
		{"no content type", "", `{}`, 415, nil},
		{"wrong content type", "text/plain", `{}`, 415, nil},
		{"empty", "application/json", ``, 400, nil},
		{"malformed", "application/json", `{"lines":`, 400, nil},
		{"syntax", "application/json", `{"lines" 1}`, 400, nil},
		{"not an object", "application/json", `[1,2]`, 400, nil},
		{"two values", "application/json", `{} {}`, 400, nil},
		{"unknown top-level field", "application/json", `{"price":1}`, 400, map[string]string{"price": "unknown field"}},
		{"unknown nested field", "application/json", `{"lines":[{"quantity":1},{"quantity":1,"price":3}]}`, 400,
			map[string]string{"lines[1].price": "unknown field"}},
		{"wrong type in array", "application/json", `{"lines":[{"quantity":1},{"quantity":1},{"quantity":"two"}]}`, 400,
			map[string]string{"lines[2].quantity": "must be a number"}},
		{"wrong type nested", "application/json", `{"address":{"city":5}}`, 400, map[string]string{"address.city": "must be a string"}},
		{"wrong type bool", "application/json", `{"acceptTerms":"yes"}`, 400, map[string]string{"acceptTerms": "must be true or false"}},
		{"too large", "application/json", `{"lines":[` + strings.Repeat(`{"quantity":1},`, 1<<17) + `{}]}`, 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got order
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			w, p := serve(t, decodeHandler(t, &got), r)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if tt.status == 204 {
				return
			}
			if p.Status != tt.status || p.Detail == "" {
				t.Errorf("problem = %+v, want status %d and a detail", p, tt.status)
			}
			if diff := cmp.Diff(tt.fields, p.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	var got order
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"lines":[{"bookId":"b","quantity":2}],"acceptTerms":true}`))
	r.Header.Set("Content-Type", "application/json")
	serve(t, decodeHandler(t, &got), r)
	if len(got.Lines) != 1 || got.Lines[0].Quantity != 2 || !got.AcceptTerms {
		t.Errorf("decoded %+v", got)
	}
}

func TestWriteErrorMapsKinds(t *testing.T) {
	errTaken := errs.New(errs.Conflict, "email already registered")
	tests := []struct {
		err    error
		status int
		detail string
		header string
	}{
		{errs.WithFields(errs.Invalid, map[string]string{"name": "required"}), 400, "name: required", ""},
		{errs.New(errs.Unauthenticated, "bad token"), 401, "bad token", "WWW-Authenticate"},
		{errs.New(errs.Forbidden, "no"), 403, "no", ""},
		{fmt.Errorf("get book 42: %w", errs.New(errs.NotFound, "no such book")), 404, "no such book", ""},
		{fmt.Errorf("register: %w", errTaken), 409, "email already registered", ""},
		{errs.New(errs.RuleBroken, "accept the terms"), 422, "accept the terms", ""},
		{errs.New(errs.TooManyRequests, "slow down"), 429, "slow down", "Retry-After"},
		{fmt.Errorf("query: %w", errs.Unavailable), 503, "unavailable", "Retry-After"},
		{errors.New(`pq: relation "users.secrets" does not exist`), 500, "An unexpected error occurred; quote the request id when reporting it.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { web.WriteError(w, r, log, tt.err) })
			w, p := serve(t, h, httptest.NewRequest(http.MethodGet, "/x", nil))
			if w.Code != tt.status || p.Status != tt.status || p.Detail != tt.detail {
				t.Errorf("got %d %+v, want %d with detail %q", w.Code, p, tt.status, tt.detail)
			}
			if p.RequestID == "" || p.RequestID != w.Header().Get("X-Request-Id") {
				t.Errorf("problem request id %q, header %q", p.RequestID, w.Header().Get("X-Request-Id"))
			}
			if tt.header != "" && w.Header().Get(tt.header) == "" {
				t.Errorf("no %s header", tt.header)
			}
			if strings.Contains(w.Body.String(), "users.secrets") {
				t.Error("the response leaks the internal error")
			}
			if tt.status == 500 && !strings.Contains(logs.String(), p.RequestID) {
				t.Errorf("the log %q does not carry the request id %s", logs.String(), p.RequestID)
			}
		})
	}
}

func TestRequestIDEchoesOnlySaneIDs(t *testing.T) {
	for id, echoed := range map[string]bool{
		"abc-123_X.y:z":          true,
		"":                       false,
		"has space":              false,
		"<script>":               false,
		strings.Repeat("a", 129): false,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("X-Request-Id", id)
		w := httptest.NewRecorder()
		web.WithRequestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		if (got == id) != echoed || got == "" {
			t.Errorf("X-Request-Id %q answered with %q, echo wanted: %t", id, got, echoed)
		}
	}
}

type tokens map[string]auth.Principal

func (ts tokens) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	if token == "down" {
		return auth.Principal{}, errs.New(errs.Unavailable, "the database is away")
	}
	p, ok := ts[token]
	if !ok {
		return auth.Principal{}, errs.New(errs.Unauthenticated, "unknown token")
	}
	return p, nil
}

func TestAuthentication(t *testing.T) {
	customer := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: "Cy", Roles: []string{auth.RoleCustomer}}
	admin := auth.Principal{UserID: uuid.Must(uuid.NewV7()), Name: "Ad", Roles: []string{auth.RoleCustomer, auth.RoleAdmin}}
	ts := tokens{"cust": customer, "adm": admin}
	log := slog.New(slog.DiscardHandler)
	ok := func(w http.ResponseWriter, r *http.Request) error {
		_, err := fmt.Fprint(w, web.Caller(r).Name)
		return err
	}
	mux := http.NewServeMux()
	routes := web.Routes{Mux: mux, Log: log}
	routes.Handle("GET /public", ok)
	routes.Handle("GET /user", ok, web.SignedIn)
	routes.Handle("GET /admin", ok, web.Admin)
	h := web.Authenticate(ts, func(w http.ResponseWriter, r *http.Request, err error) {
		web.WriteError(w, r, log, err)
	})(mux)

	tests := []struct {
		name   string
		path   string
		header string
		cookie string // the session cookie's token, "" for none
		status int
		body   string
	}{
		{"public anonymous", "/public", "", "", 200, ""},
		{"public signed in", "/public", "Bearer cust", "", 200, "Cy"},
		{"public garbage token", "/public", "Bearer nope", "", 401, ""},
		{"public wrong scheme", "/public", "Basic Y3k6cHc=", "", 401, ""},
		{"public empty bearer", "/public", "Bearer ", "", 401, ""},
		{"user anonymous", "/user", "", "", 401, ""},
		{"user signed in", "/user", "bearer cust", "", 200, "Cy"},
		{"admin anonymous", "/admin", "", "", 401, ""},
		{"admin as customer", "/admin", "Bearer cust", "", 403, ""},
		{"admin as admin", "/admin", "Bearer adm", "", 200, "Ad"},
		{"cookie signed in", "/user", "", "cust", 200, "Cy"},
		{"cookie admin", "/admin", "", "adm", 200, "Ad"},
		{"cookie forged: a signed-out visitor", "/public", "", "forged", 200, ""},
		{"cookie forged on a guarded route", "/user", "", "forged", 401, ""},
		{"bearer wins over cookie", "/user", "Bearer adm", "cust", 200, "Ad"},
		{"cookie while the database is away", "/public", "", "down", 503, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: "session", Value: tt.cookie})
			}
			w, p := serve(t, h, r)
			cleared := strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0")
			if forged := tt.cookie == "forged"; cleared != forged {
				t.Errorf("session cookie removed = %v, want %v (Set-Cookie %q)", cleared, forged, w.Header().Get("Set-Cookie"))
			}
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d", w.Code, tt.status)
			}
			if tt.status == 200 && w.Body.String() != tt.body {
				t.Errorf("body = %q, want %q", w.Body, tt.body)
			}
			if tt.status == 401 && (!strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") || p.Status != 401) {
				t.Errorf("401 without WWW-Authenticate: Bearer or problem body: %v %+v", w.Header(), p)
			}
			if tt.status == 403 && p.Detail != "Only an administrator may do this." {
				t.Errorf("403 detail = %q, want auth.ErrAdminsOnly's", p.Detail)
			}
		})
	}
}

func TestRenameField(t *testing.T) {
	err := errs.WithFields(errs.Invalid, map[string]string{"idempotencyKey": "must be short", "lines": "must have a line"})
	got := web.RenameField(err, "idempotencyKey", "Idempotency-Key")
	want := map[string]string{"Idempotency-Key": "must be short", "lines": "must have a line"}
	if !errors.Is(got, errs.Invalid) || !maps.Equal(errs.FieldsOf(got), want) {
		t.Errorf("RenameField = %v (fields %v), want errs.Invalid with %v", got, errs.FieldsOf(got), want)
	}
	if _, ok := errs.FieldsOf(err)["Idempotency-Key"]; ok {
		t.Error("RenameField changed the error it was given")
	}
	other := errs.New(errs.RuleBroken, "no address")
	if got := web.RenameField(other, "idempotencyKey", "Idempotency-Key"); got != other {
		t.Errorf("RenameField of an error without the field = %v, want it unchanged", got)
	}
}

func TestSessionCookie(t *testing.T) {
	expires := time.Now().Add(time.Hour)
	for _, tt := range []struct {
		name   string
		tls    bool
		secure bool // SecureCookies in front
		want   string
	}{
		{"plain HTTP", false, false, "session="},
		{"TLS", true, false, "__Host-session="},
		{"configured behind a proxy", false, true, "__Host-session="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				web.SetSession(w, r, "tok", expires)
			})
			if tt.secure {
				h = web.SecureCookies(h)
			}
			r := httptest.NewRequest(http.MethodPost, "/signin", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			c := w.Header().Get("Set-Cookie")
			for _, part := range []string{tt.want + "tok", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="} {
				if !strings.Contains(c, part) {
					t.Errorf("Set-Cookie %q lacks %q", c, part)
				}
			}
			if secure := strings.Contains(c, "Secure"); secure != (tt.tls || tt.secure) {
				t.Errorf("Set-Cookie %q: Secure = %v", c, secure)
			}
			back := httptest.NewRequest(http.MethodGet, "/", nil)
			back.Header.Set("Cookie", strings.Split(c, ";")[0])
			if tok, ok := web.SessionToken(back); !ok || tok != "tok" {
				t.Errorf("SessionToken of the cookie sent back = %q, %v", tok, ok)
			}
		})
	}
}
