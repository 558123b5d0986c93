package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type user struct {
	ID      string   `json:"id"`
	Email   string   `json:"email"`
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
	Address *address `json:"address"`
}

type address struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"`
}

type token struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expiresAt"`
}

const password = "correct horse battery"

func register(t *testing.T, srv *httptest.Server, email string) user {
	t.Helper()
	return decode[user](t, do(t, srv, "POST", "/api/users", "", map[string]string{
		"email": email, "name": "Ann Reader", "password": password}), http.StatusCreated)
}

func login(t *testing.T, srv *httptest.Server, email string) string {
	t.Helper()
	tok := decode[token](t, do(t, srv, "POST", "/api/auth/login", "", map[string]string{
		"email": email, "password": password}), http.StatusOK)
	return tok.Token
}

func TestRegisterSignInAndProfile(t *testing.T) {
	srv := newServer(t)
	u := register(t, srv, "Ann@Example.com")
	if u.Email != "ann@example.com" || u.Name != "Ann Reader" || u.ID == "" || !cmp.Equal(u.Roles, []string{"customer"}) {
		t.Errorf("registered %+v", u)
	}

	tok := decode[token](t, do(t, srv, "POST", "/api/auth/login", "", map[string]string{
		"email": "ANN@example.com", "password": password}), http.StatusOK)
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil || !strings.HasSuffix(tok.ExpiresAt, "Z") {
		t.Errorf("expiresAt %q is not RFC 3339 UTC: %v", tok.ExpiresAt, err)
	}
	if d := time.Until(exp); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("token expires in %s, want about 24h", d)
	}
	if len(tok.Token) < 22 {
		t.Errorf("token %q is shorter than 128 bits of base64", tok.Token)
	}

	me := decode[user](t, do(t, srv, "GET", "/api/users/me", tok.Token, nil), http.StatusOK)
	if me.ID != u.ID || me.Address != nil {
		t.Errorf("me = %+v, want id %s and no address", me, u.ID)
	}
	if r := do(t, srv, "GET", "/api/users/me", tok.Token, nil); !strings.Contains(string(r.body), `"address":null`) {
		t.Errorf("me body %s: address must be null until set", r.body)
	}

	want := address{Line1: "1 Book Street", City: "Leeds", Postcode: "LS1 1AA", Country: "GB"}
	got := decode[address](t, do(t, srv, "PUT", "/api/users/me/address", tok.Token,
		map[string]string{"line1": "1 Book Street", "city": "Leeds", "postcode": "LS1 1AA", "country": "gb"}), http.StatusOK)
	if got != want {
		t.Errorf("address = %+v, want %+v", got, want)
	}
	me = decode[user](t, do(t, srv, "GET", "/api/users/me", tok.Token, nil), http.StatusOK)
	if me.Address == nil || *me.Address != want {
		t.Errorf("me.address = %+v, want %+v", me.Address, want)
	}

	if r := do(t, srv, "POST", "/api/auth/logout", tok.Token, nil); r.status != http.StatusNoContent {
		t.Fatalf("logout = %d %s", r.status, r.body)
	}
	r := do(t, srv, "GET", "/api/users/me", tok.Token, nil)
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("me after logout = %d %v, want 401 with WWW-Authenticate: Bearer", r.status, r.header)
	}
	r.problem(t)
}

func TestUsersErrors(t *testing.T) {
	srv := newServer(t)
	register(t, srv, "taken@example.com")
	tok := login(t, srv, "taken@example.com")
	long := func(n int) string { return strings.Repeat("x", n) }
	okUser := func(field, value string) map[string]string {
		m := map[string]string{"email": "new@example.com", "name": "New", "password": password}
		m[field] = value
		return m
	}
	okAddr := func(field, value string) map[string]string {
		m := map[string]string{"line1": "1 Road", "city": "Bath", "postcode": "BA1", "country": "GB"}
		if value == "<absent>" {
			delete(m, field)
		} else {
			m[field] = value
		}
		return m
	}

	tests := []struct {
		name        string
		method      string
		path        string
		token       string
		body        any
		status      int
		errorFields []string
	}{
		{"email not an address", "POST", "/api/users", "", okUser("email", "not-an-email"), 400, []string{"email"}},
		{"name empty", "POST", "/api/users", "", okUser("name", " "), 400, []string{"name"}},
		{"name too long", "POST", "/api/users", "", okUser("name", long(101)), 400, []string{"name"}},
		{"password too short", "POST", "/api/users", "", okUser("password", long(9)), 400, []string{"password"}},
		{"password too long", "POST", "/api/users", "", okUser("password", long(129)), 400, []string{"password"}},
		{"several fields", "POST", "/api/users", "", map[string]string{"email": "x", "name": "", "password": "y"}, 400, []string{"email", "name", "password"}},
		{"email taken in another case", "POST", "/api/users", "", okUser("email", "TAKEN@example.COM"), 409, nil},
		{"unknown field", "POST", "/api/users", "", `{"email":"a@b.co","name":"A","password":"0123456789","admin":true}`, 400, []string{"admin"}},
		{"wrong type", "POST", "/api/users", "", `{"email":"a@b.co","name":7,"password":"0123456789"}`, 400, []string{"name"}},
		{"malformed json", "POST", "/api/users", "", `{"email":`, 400, nil},
		{"unknown email", "POST", "/api/auth/login", "", map[string]string{"email": "nobody@example.com", "password": password}, 401, nil},
		{"wrong password", "POST", "/api/auth/login", "", map[string]string{"email": "taken@example.com", "password": "wrong password"}, 401, nil},
		{"logout anonymous", "POST", "/api/auth/logout", "", nil, 401, nil},
		{"me anonymous", "GET", "/api/users/me", "", nil, 401, nil},
		{"me garbage token", "GET", "/api/users/me", "garbage", nil, 401, nil},
		{"address anonymous", "PUT", "/api/users/me/address", "", okAddr("", ""), 401, nil},
		{"address line1 missing", "PUT", "/api/users/me/address", tok, okAddr("line1", "<absent>"), 400, []string{"line1"}},
		{"address city too long", "PUT", "/api/users/me/address", tok, okAddr("city", long(201)), 400, []string{"city"}},
		{"address country not ISO", "PUT", "/api/users/me/address", tok, okAddr("country", "XX"), 400, []string{"country"}},
		{"address country a name", "PUT", "/api/users/me/address", tok, okAddr("country", "France"), 400, []string{"country"}},
		{"NUL in email", "POST", "/api/users", "", okUser("email", "a\x00@example.com"), 400, []string{"email"}},
		{"NUL in name", "POST", "/api/users", "", okUser("name", "Ann\x00"), 400, []string{"name"}},
		{"NUL in password", "POST", "/api/users", "", okUser("password", "0123456789\x00"), 201, nil},
		{"login NUL in email", "POST", "/api/auth/login", "", map[string]string{"email": "taken\x00@example.com", "password": password}, 401, nil},
		{"login bad UTF-8", "POST", "/api/auth/login", "", `{"email":"taken\udc00@example.com","password":"x"}`, 401, nil},
		{"address NUL in city", "PUT", "/api/users/me/address", tok, okAddr("city", "Ba\x00th"), 400, []string{"city"}},
		{"address SQL-shaped", "PUT", "/api/users/me/address", tok, okAddr("line1", "'); DROP TABLE users.users; --"), 200, nil},
		{"method not allowed", "DELETE", "/api/users/me", tok, nil, 405, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, srv, tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", r.status, tt.status, r.body)
			}
			if tt.status < 400 {
				return
			}
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer: %v", r.header)
			}
			p := r.problem(t)
			var fields []string
			for f := range p.Errors {
				fields = append(fields, f)
			}
			if diff := cmp.Diff(tt.errorFields, fields, cmpSorted); diff != "" {
				t.Errorf("errors fields (-want +got):\n%s\n%s", diff, r.body)
			}
		})
	}
}

// cmpSorted compares string lists as sets; nil and empty are equal.
var cmpSorted = cmp.Options{cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()}

// An unknown email and a wrong password must be indistinguishable.
func TestLoginFailuresLookAlike(t *testing.T) {
	srv := newServer(t)
	register(t, srv, "ann@example.com")
	unknown := do(t, srv, "POST", "/api/auth/login", "", map[string]string{"email": "bob@example.com", "password": password})
	wrong := do(t, srv, "POST", "/api/auth/login", "", map[string]string{"email": "ann@example.com", "password": "not the password"})
	pu, pw := unknown.problem(t), wrong.problem(t)
	pu.RequestID, pw.RequestID = "", ""
	if unknown.status != 401 || !cmp.Equal(pu, pw) || unknown.header.Get("WWW-Authenticate") != wrong.header.Get("WWW-Authenticate") {
		t.Errorf("unknown email: %d %+v\nwrong password: %d %+v", unknown.status, pu, wrong.status, pw)
	}
}

func TestLoginLockoutAfterTenFailures(t *testing.T) {
	srv := newServer(t)
	register(t, srv, "ann@example.com")
	for i := range 10 {
		r := do(t, srv, "POST", "/api/auth/login", "", map[string]string{"email": "ann@example.com", "password": fmt.Sprint("wrong password ", i)})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, r.status)
		}
	}
	for _, email := range []string{"ann@example.com", "ANN@example.com"} {
		r := do(t, srv, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": password})
		if r.status != http.StatusTooManyRequests {
			t.Errorf("login as %s after 10 failures = %d, want 429", email, r.status)
		}
		r.problem(t)
	}
}

func TestConcurrentRegistrationsOfOneEmail(t *testing.T) {
	srv := newServer(t)
	const n = 50
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = do(t, srv, "POST", "/api/users", "", map[string]string{
				"email": []string{"race@example.com", "RACE@example.com", "Race@Example.com"}[i%3], "name": "Racer", "password": password}).status
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 1 || count[http.StatusConflict] != n-1 {
		t.Errorf("statuses = %v, want one 201 and %d 409", count, n-1)
	}
}

func TestContentTypeAndBodySize(t *testing.T) {
	srv := newServer(t)
	req, _ := http.NewRequest("POST", srv.URL+"/api/users", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body = %d, want 415", resp.StatusCode)
	}
	big := `{"email":"a@b.co","name":"` + strings.Repeat("n", 2<<20) + `","password":"0123456789"}`
	if r := do(t, srv, "POST", "/api/users", "", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body = %d, want 413", r.status)
	} else {
		r.problem(t)
	}
}
