package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
)

// Every route of the API, with each statement it sends to PostgreSQL failed
// in turn by each fault of an outage (57P01, 57P02, 57P03, 57014, 08006, a
// connection reset), answers what it answers without the fault, or 503 —
// never a 500. A read whose connection the server ended (57P01, 57P02,
// 08006, a reset) is retried once on a new connection and answers as usual.
// The table must hold every operation of the OpenAPI document.
func TestEveryRouteSurvivesEveryFault(t *testing.T) {
	const adminEmail, adminPassword = "faults-admin@example.com", "correct horse battery admin"
	proxy, url := testdb.NewFaultProxy(t, testdb.NewEmpty(t))
	base, stop := startAppEnv(t, map[string]string{"DATABASE_URL": url,
		"BOOKAPP_ADMIN_EMAIL": adminEmail, "BOOKAPP_ADMIN_PASSWORD": adminPassword})
	waitReady(t, base)
	f := newFaultFixture(t, base, adminEmail, adminPassword)

	routes := f.routes()
	operations := openAPIOperations(t, base)
	for _, op := range operations {
		if !slices.ContainsFunc(routes, func(r faultRoute) bool { return r.op == op }) {
			t.Errorf("%s is in the OpenAPI document but not in the fault table", op)
		}
	}

	table := map[string]map[testdb.Fault]map[int]int{} // route -> fault -> status -> count
	for _, r := range routes {
		table[r.op] = map[testdb.Fault]map[int]int{}
		// A clean run first: its status is the one to keep, and it counts
		// the statements to fail one by one.
		req := r.prepare()
		before := proxy.Statements()
		status, body := f.send(req)
		statements := proxy.Statements() - before
		if status != r.want {
			t.Errorf("%s without a fault = %d %s, want %d", r.op, status, body, r.want)
			continue
		}
		for _, fault := range testdb.Faults {
			answers := map[int]int{}
			table[r.op][fault] = answers
			for n := 1; n <= statements; n++ {
				req := r.prepare()
				fired := proxy.Disarm()
				proxy.Arm(fault, n)
				status, body := f.send(req)
				if proxy.Disarm() != fired+1 {
					continue // the route sent fewer statements this time (a ping it skipped)
				}
				answers[status]++
				switch {
				case status == r.want:
				case status != http.StatusServiceUnavailable:
					t.Errorf("%s with %s on statement %d of %d = %d %s, want %d or 503", r.op, fault, n, statements, status, body, r.want)
				case r.read && terminates(fault):
					t.Errorf("%s with %s on statement %d of %d = 503, want %d: a read on an ended connection is retried once", r.op, fault, n, statements, r.want)
				}
			}
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	t.Log("route: fault: status×count, statement by statement")
	for _, r := range routes {
		var line strings.Builder
		for _, fault := range testdb.Faults {
			fmt.Fprintf(&line, "  %s %v", fault, table[r.op][fault])
		}
		t.Logf("%-44s%s", r.op, line.String())
	}
}

// terminates reports whether the fault ends the connection under a statement
// that had been sent: the case pgtx.Read retries.
func terminates(f testdb.Fault) bool {
	return f == testdb.AdminShutdown || f == testdb.CrashShutdown || f == testdb.ConnectionFailure || f == testdb.ConnectionReset
}

// openAPIOperations returns "METHOD /path/{param}" for every operation the
// app's OpenAPI document lists.
func openAPIOperations(t *testing.T, base string) []string {
	t.Helper()
	status, _, body := get(t, base+"/openapi.json")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &doc) != nil {
		t.Fatalf("GET /openapi.json = %d", status)
	}
	var ops []string
	for path, methods := range doc.Paths {
		for m := range methods {
			switch m {
			case "get", "put", "post", "delete", "patch":
				ops = append(ops, strings.ToUpper(m)+" "+path)
			}
		}
	}
	if len(ops) < 20 {
		t.Fatalf("the OpenAPI document lists %d operations: %v", len(ops), ops)
	}
	slices.Sort(ops)
	return ops
}

// A faultRoute is one operation, and how to call it afresh: prepare sets up
// what one call needs (a new book to delete, a new order to cancel) before
// the fault is armed, so that only the call's own statements are failed.
type faultRoute struct {
	op      string // as the OpenAPI document names it
	want    int    // its status without a fault
	read    bool   // it only reads: a terminated statement is retried
	prepare func() faultRequest
}

type faultRequest struct {
	method, path, token string
	body                any
}

// faultFixture is the data the routes act on.
type faultFixture struct {
	t                         *testing.T
	base                      string
	admin, customer           string // tokens
	customerEmail, password   string
	book, order, deliveryDate string
	accounts, books           atomic.Int64
}

func newFaultFixture(t *testing.T, base, adminEmail, adminPassword string) *faultFixture {
	f := &faultFixture{t: t, base: base, password: "correct horse battery"}
	f.admin = signIn(t, base, adminEmail, adminPassword)
	f.customerEmail = "faults-customer@example.com"
	f.customer = signUp(t, base, f.customerEmail, "Faults", f.password)
	f.mustSend(http.StatusOK, faultRequest{"PUT", "/api/users/me/address", f.customer, faultAddress})
	f.book = f.newBook()
	f.order = f.newOrder()
	day := time.Now().UTC().AddDate(0, 0, 5)
	if day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	f.deliveryDate = day.Format(time.DateOnly)
	return f
}

var faultAddress = map[string]any{"line1": "1 High Street", "city": "Oxford", "postcode": "OX1 1AA", "country": "GB"}

func (f *faultFixture) send(r faultRequest) (int, string) {
	status, body := send(f.t, r.method, f.base+r.path, r.token, r.body)
	return status, string(body)
}

// mustSend sends r unarmed and returns the body; any other status than want
// fails the test.
func (f *faultFixture) mustSend(want int, r faultRequest) []byte {
	f.t.Helper()
	status, body := send(f.t, r.method, f.base+r.path, r.token, r.body)
	if status != want {
		f.t.Fatalf("%s %s = %d %s, want %d", r.method, r.path, status, body, want)
	}
	return body
}

func (f *faultFixture) id(body []byte) string {
	f.t.Helper()
	var v struct{ ID string }
	if json.Unmarshal(body, &v) != nil || v.ID == "" {
		f.t.Fatalf("no id in %s", body)
	}
	return v.ID
}

func (f *faultFixture) bookBody() map[string]any {
	n := f.books.Add(1)
	return map[string]any{"title": fmt.Sprintf("Fault Book %d", n), "publishedOn": "2021-05-01", "publisher": "Outage Press",
		"price": 19.99, "authors": []string{"Ann Author"}, "tags": []string{"Go"}}
}

func (f *faultFixture) newBook() string {
	return f.id(f.mustSend(http.StatusCreated, faultRequest{"POST", "/api/books", f.admin, f.bookBody()}))
}

func (f *faultFixture) orderBody() map[string]any {
	return map[string]any{"acceptTerms": true, "lines": []map[string]any{{"bookId": f.book, "quantity": 1}}}
}

func (f *faultFixture) newOrder() string {
	return f.id(f.mustSend(http.StatusCreated, faultRequest{"POST", "/api/orders", f.customer, f.orderBody()}))
}

// newAccount registers a new customer and returns its email: sign-ins are
// made with new accounts, so that failed attempts never add up to a lockout.
func (f *faultFixture) newAccount() string {
	email := fmt.Sprintf("faults-%d@example.com", f.accounts.Add(1))
	f.mustSend(http.StatusCreated, faultRequest{"POST", "/api/users", "", map[string]string{"email": email, "name": "Faults", "password": f.password}})
	return email
}

func (f *faultFixture) routes() []faultRoute {
	fixed := func(r faultRequest) func() faultRequest { return func() faultRequest { return r } }
	return []faultRoute{
		{op: "GET /healthz", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/healthz", "", nil})},
		{op: "GET /readyz", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/readyz", "", nil})},
		{op: "GET /metrics", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/metrics", "", nil})},
		{op: "GET /openapi.json", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/openapi.json", "", nil})},

		{op: "POST /api/users", want: 201, prepare: func() faultRequest {
			email := fmt.Sprintf("faults-new-%d@example.com", f.accounts.Add(1))
			return faultRequest{"POST", "/api/users", "", map[string]string{"email": email, "name": "New", "password": f.password}}
		}},
		{op: "POST /api/auth/login", want: 200, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/auth/login", "", map[string]string{"email": f.newAccount(), "password": f.password}}
		}},
		{op: "POST /api/auth/logout", want: 204, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/auth/logout", signIn(f.t, f.base, f.customerEmail, f.password), nil}
		}},
		{op: "GET /api/users/me", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/users/me", f.customer, nil})},
		{op: "PUT /api/users/me/address", want: 200, prepare: fixed(faultRequest{"PUT", "/api/users/me/address", f.customer, faultAddress})},

		{op: "GET /api/books", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/books?sort=votes&tag=Go&pageSize=5", "", nil})},
		{op: "GET /api/books/{id}", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/books/" + f.book, "", nil})},
		{op: "GET /api/tags", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/tags", "", nil})},
		{op: "GET /api/books/deleted", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/books/deleted", f.admin, nil})},
		{op: "POST /api/books/{id}/reviews", want: 201, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/books/" + f.newBook() + "/reviews", f.customer, map[string]any{"numStars": 4, "comment": "Good."}}
		}},
		{op: "POST /api/books", want: 201, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/books", f.admin, f.bookBody()}
		}},
		{op: "PUT /api/books/{id}/published-on", want: 200, prepare: fixed(faultRequest{"PUT", "/api/books/" + f.book + "/published-on", f.admin, map[string]any{"publishedOn": "2022-03-04"}})},
		{op: "PUT /api/books/{id}/promotion", want: 200, prepare: fixed(faultRequest{"PUT", "/api/books/" + f.book + "/promotion", f.admin, map[string]any{"actualPrice": 9.99, "promotionalText": "Half price"}})},
		{op: "DELETE /api/books/{id}/promotion", want: 200, prepare: fixed(faultRequest{"DELETE", "/api/books/" + f.book + "/promotion", f.admin, nil})},
		{op: "DELETE /api/books/{id}", want: 204, prepare: func() faultRequest {
			return faultRequest{"DELETE", "/api/books/" + f.newBook(), f.admin, nil}
		}},
		{op: "POST /api/books/{id}/restore", want: 204, prepare: func() faultRequest {
			id := f.newBook()
			f.mustSend(http.StatusNoContent, faultRequest{"DELETE", "/api/books/" + id, f.admin, nil})
			return faultRequest{"POST", "/api/books/" + id + "/restore", f.admin, nil}
		}},

		{op: "POST /api/orders", want: 201, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/orders", f.customer, f.orderBody()}
		}},
		{op: "GET /api/orders", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/orders?pageSize=5", f.customer, nil})},
		{op: "GET /api/orders/{id}", want: 200, read: true, prepare: fixed(faultRequest{"GET", "/api/orders/" + f.order, f.customer, nil})},
		{op: "PUT /api/orders/{id}/delivery-date", want: 200, prepare: fixed(faultRequest{"PUT", "/api/orders/" + f.order + "/delivery-date", f.customer, map[string]any{"date": f.deliveryDate}})},
		{op: "POST /api/orders/{id}/cancel", want: 200, prepare: func() faultRequest {
			return faultRequest{"POST", "/api/orders/" + f.newOrder() + "/cancel", f.customer, nil}
		}},
		{op: "PUT /api/orders/{id}/status", want: 200, prepare: func() faultRequest {
			return faultRequest{"PUT", "/api/orders/" + f.newOrder() + "/status", f.admin, map[string]any{"status": "dispatched"}}
		}},
	}
}
