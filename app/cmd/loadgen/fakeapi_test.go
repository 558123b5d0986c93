package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a small in-memory stand-in for bookapp's HTTP API, as
// docs/design/API.md describes it, for testing the load generator's side of
// the conversation: it checks what loadgen sends and counts what it did.
// The app's own tests cover the real API against a real database.
type fakeAPI struct {
	mu       sync.Mutex
	books    []fakeBook
	users    map[string]*fakeUser // by e-mail
	tokens   map[string]*fakeUser
	orders   map[string]fakeOrder // by id
	reviews  map[string]int       // book id → reviews
	idemKeys map[string]bool      // user e-mail + key
	nextID   int
	requests map[string]int // "METHOD /path-pattern" → count
	failing  map[string]int // route pattern → status to answer instead
}

type fakeBook struct {
	ID    string
	Price float64
}

type fakeUser struct {
	Email, Password string
	Address         bool
}

type fakeOrder struct {
	Owner string
	Lines int
}

// newFakeAPI serves a catalogue of n books; every tenth costs nothing and is
// not for sale.
func newFakeAPI(t *testing.T, n int) (*fakeAPI, *httptest.Server) {
	t.Helper()
	f := &fakeAPI{users: map[string]*fakeUser{}, tokens: map[string]*fakeUser{}, orders: map[string]fakeOrder{},
		reviews: map[string]int{}, idemKeys: map[string]bool{}, requests: map[string]int{}, failing: map[string]int{}}
	for i := range n {
		price := 10.5
		if i%10 == 0 {
			price = 0
		}
		f.books = append(f.books, fakeBook{ID: fmt.Sprintf("0190b1d2-0000-7000-8000-%012d", i), Price: price})
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// fail makes the route answer status from now on.
func (f *fakeAPI) fail(route string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[route] = status
}

// count returns how often route was requested.
func (f *fakeAPI) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[route]
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	route := r.Method + " " + routePattern(parts)
	f.requests[route]++
	if status, ok := f.failing[route]; ok {
		problem(w, status, "failing on purpose")
		return
	}
	if r.Method != http.MethodGet && r.Header.Get("Content-Type") != "application/json" && route != "POST /api/auth/logout" {
		problem(w, http.StatusUnsupportedMediaType, "want application/json")
		return
	}
	var user *fakeUser
	if h := r.Header.Get("Authorization"); h != "" {
		if user = f.tokens[strings.TrimPrefix(h, "Bearer ")]; user == nil {
			problem(w, http.StatusUnauthorized, "bad token")
			return
		}
	}
	signedIn := func() bool {
		if user == nil {
			problem(w, http.StatusUnauthorized, "sign in first")
		}
		return user != nil
	}

	switch route {
	case "GET /readyz":
		reply(w, http.StatusOK, map[string]string{"status": "ready"})
	case "POST /api/users":
		var in struct{ Email, Name, Password string }
		if !decode(w, r, &in) {
			return
		}
		if f.users[in.Email] != nil {
			problem(w, http.StatusConflict, "email taken")
			return
		}
		if len(in.Password) < 10 || in.Name == "" || !strings.Contains(in.Email, "@") {
			problem(w, http.StatusBadRequest, "invalid")
			return
		}
		f.users[in.Email] = &fakeUser{Email: in.Email, Password: in.Password}
		reply(w, http.StatusCreated, map[string]any{"id": f.newID(), "email": in.Email})
	case "POST /api/auth/login":
		var in struct{ Email, Password string }
		if !decode(w, r, &in) {
			return
		}
		u := f.users[in.Email]
		if u == nil || u.Password != in.Password {
			problem(w, http.StatusUnauthorized, "wrong credentials")
			return
		}
		token := "token-" + f.newID()
		f.tokens[token] = u
		reply(w, http.StatusOK, map[string]any{"token": token, "expiresAt": "2030-01-01T00:00:00Z"})
	case "PUT /api/users/me/address":
		var in struct{ Line1, Line2, City, Postcode, Country string }
		if !signedIn() || !decode(w, r, &in) {
			return
		}
		if in.Line1 == "" || in.City == "" || in.Postcode == "" || len(in.Country) != 2 {
			problem(w, http.StatusBadRequest, "invalid address")
			return
		}
		user.Address = true
		reply(w, http.StatusOK, in)
	case "GET /api/books":
		f.listBooks(w, r)
	case "GET /api/books/{id}":
		if f.book(parts[2]) == nil {
			problem(w, http.StatusNotFound, "no such book")
			return
		}
		reply(w, http.StatusOK, map[string]any{"id": parts[2], "reviews": []any{}})
	case "POST /api/books/{id}/reviews":
		var in struct {
			NumStars int
			Comment  string
		}
		if !signedIn() || !decode(w, r, &in) {
			return
		}
		if f.book(parts[2]) == nil {
			problem(w, http.StatusNotFound, "no such book")
			return
		}
		if in.NumStars < 0 || in.NumStars > 5 {
			problem(w, http.StatusBadRequest, "numStars")
			return
		}
		f.reviews[parts[2]]++
		reply(w, http.StatusCreated, map[string]any{"id": f.newID(), "numStars": in.NumStars})
	case "POST /api/orders":
		f.placeOrder(w, r, user)
	case "GET /api/orders":
		if !signedIn() {
			return
		}
		items := []map[string]string{}
		for id, o := range f.orders {
			if o.Owner == user.Email {
				items = append(items, map[string]string{"id": id})
			}
		}
		reply(w, http.StatusOK, map[string]any{"items": items, "nextCursor": nil})
	case "GET /api/orders/{id}":
		if !signedIn() {
			return
		}
		if o, ok := f.orders[parts[2]]; !ok || o.Owner != user.Email {
			problem(w, http.StatusNotFound, "no such order")
			return
		}
		reply(w, http.StatusOK, map[string]any{"id": parts[2], "status": "placed"})
	default:
		problem(w, http.StatusNotFound, "no such route")
	}
}

// listBooks pages through the catalogue in order; the cursor is the index of
// the page's first book.
func (f *fakeAPI) listBooks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, err := strconv.Atoi(q.Get("pageSize"))
	if q.Get("pageSize") == "" {
		size, err = 100, nil
	}
	if err != nil || size < 1 || size > 1000 {
		problem(w, http.StatusBadRequest, "pageSize")
		return
	}
	from := 0
	if c := q.Get("cursor"); c != "" {
		if from, err = strconv.Atoi(c); err != nil || from <= 0 || from >= len(f.books) {
			problem(w, http.StatusBadRequest, "cursor")
			return
		}
	}
	to := min(from+size, len(f.books))
	items := []map[string]any{}
	for _, b := range f.books[from:to] {
		items = append(items, map[string]any{"id": b.ID, "actualPrice": b.Price, "title": "A book"})
	}
	var next any
	if to < len(f.books) {
		next = strconv.Itoa(to)
	}
	reply(w, http.StatusOK, map[string]any{"items": items, "nextCursor": next})
}

// placeOrder checks an order as the contract says: signed in, with an
// address, terms accepted, 1..50 distinct lines of books for sale, and an
// Idempotency-Key, which loadgen always sends.
func (f *fakeAPI) placeOrder(w http.ResponseWriter, r *http.Request, user *fakeUser) {
	if user == nil {
		problem(w, http.StatusUnauthorized, "sign in first")
		return
	}
	var in struct {
		Lines []struct {
			BookID   string
			Quantity int
		}
		AcceptTerms bool
	}
	if !decode(w, r, &in) {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" || f.idemKeys[user.Email+key] {
		problem(w, http.StatusBadRequest, "want a new Idempotency-Key on every order")
		return
	}
	f.idemKeys[user.Email+key] = true
	seen := map[string]bool{}
	for _, l := range in.Lines {
		if seen[l.BookID] || l.Quantity < 1 || l.Quantity > 100 {
			problem(w, http.StatusBadRequest, "bad line")
			return
		}
		seen[l.BookID] = true
		if b := f.book(l.BookID); b == nil || b.Price == 0 {
			problem(w, http.StatusUnprocessableEntity, "book not for sale")
			return
		}
	}
	if len(in.Lines) == 0 || len(in.Lines) > 50 || !in.AcceptTerms || !user.Address {
		problem(w, http.StatusUnprocessableEntity, "order refused")
		return
	}
	id := f.newID()
	f.orders[id] = fakeOrder{Owner: user.Email, Lines: len(in.Lines)}
	reply(w, http.StatusCreated, map[string]any{"id": id, "status": "placed"})
}

func (f *fakeAPI) book(id string) *fakeBook {
	for i := range f.books {
		if f.books[i].ID == id {
			return &f.books[i]
		}
	}
	return nil
}

func (f *fakeAPI) newID() string {
	f.nextID++
	return fmt.Sprintf("0190b1d2-0000-7000-9000-%012d", f.nextID)
}

// routePattern turns a path's segments into the API's route pattern, with
// {id} for an id.
func routePattern(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p
		if i == 2 && (parts[1] == "books" || parts[1] == "orders") {
			out[i] = "{id}"
		}
	}
	return "/" + strings.Join(out, "/")
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		problem(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status),
		"status": status, "detail": detail})
}
