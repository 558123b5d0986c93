package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestBadInput sends every route of the API what a careless or hostile client
// might: malformed JSON, values of the wrong type, unknown fields, a 2 MiB
// body, a missing or wrong content type, malformed and unknown ids, tampered
// and foreign cursors, huge and negative numbers, NUL bytes, over-long and
// SQL-shaped strings, and missing, garbage or revoked bearer tokens. Each case
// breaks one thing of an otherwise valid request. Every answer must be a 4xx
// problem with the right status and the right field paths, and nothing may
// change in the database: every table of every context is compared before
// and after each case.
//
// Most cases are generated: from the route table below (who may call a route,
// a valid request) and from openapi.json (each body field's type, limits and
// format). The table must name every route the router has.
func TestBadInput(t *testing.T) {
	srv, pool := newServerAt(t, nil)
	fx := newBadInputFixture(t, srv, pool)

	specs := badInputRoutes(fx)
	var inTable []string
	for _, s := range specs {
		inTable = append(inTable, s.method+" "+s.pattern)
	}
	inRouter := slices.DeleteFunc(chiRoutes(t, srv), isPageRoute) // the pages: TestPagesBadInput
	for _, r := range inRouter {
		if !slices.Contains(inTable, r) {
			t.Errorf("route %s is not in the bad-input table: add it to badInputRoutes", r)
		}
	}
	for _, r := range inTable {
		if !slices.Contains(inRouter, r) {
			t.Errorf("the bad-input table names %s, which the router does not have", r)
		}
	}

	snap := newSnapshotter(t, pool)
	for _, s := range specs {
		route := s.method + " " + s.pattern
		for _, c := range s.cases(t, fx) {
			t.Run(route+"/"+c.name, func(t *testing.T) {
				var rep reporter = t
				var known failures
				if c.knownBug != "" {
					rep = &known
				}
				before := snap.take(t)
				r := fx.send(t, c.req)
				after := snap.take(t)
				checkBadAnswer(rep, c, r, before, after)
				switch {
				case c.knownBug != "" && len(known) == 0:
					t.Errorf("the known bug %q is gone: drop its note from the table", c.knownBug)
				case c.knownBug != "":
					t.Logf("known bug (%s), not failing the test:\n%s", c.knownBug, strings.Join(known, "\n"))
				}
			})
		}
	}
}

// checkBadAnswer reports to t what is wrong with r, the answer to c: a
// change to the database, a status other than c's, an answer that is not a
// problem, errors that do not name exactly c's fields.
func checkBadAnswer(t reporter, c badCase, r response, before, after map[string]string) {
	t.Helper()
	for _, table := range slices.Sorted(maps.Keys(after)) {
		if before[table] != after[table] {
			t.Errorf("the request changed %s: %s before, %s after", table, before[table], after[table])
		}
	}
	if r.status != c.status {
		t.Errorf("%s %.200s: status = %d, want %d (body %.500s)", c.req.method, c.req.path, r.status, c.status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
		return
	}
	var p problemBody
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Errorf("problem body %s: %v", r.body, err)
		return
	}
	if p.Status != r.status || p.Title == "" || p.Type == "" || p.Detail == "" {
		t.Errorf("problem %+v: status must match %d; type, title and detail must be set", p, r.status)
	}
	if c.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: Bearer: %v", r.header)
	}
	if c.anyFields {
		return
	}
	got := slices.Collect(maps.Keys(p.Errors))
	if diff := cmp.Diff(c.fields, got, cmpSorted); diff != "" {
		t.Errorf("%s %.200s: error fields (-want +got):\n%s\nbody: %s", c.req.method, c.req.path, diff, r.body)
	}
}

// access is who may call a route.
type access int

const (
	open      access = iota // no Authorization check: the operational routes
	anyone                  // public, but a token that is sent must be valid
	signedIn                // any signed-in user
	adminOnly               // admins
)

// A routeSpec is one route in the bad-input suite: who may call it, and a
// valid request for the generated cases to break, one thing at a time.
type routeSpec struct {
	method, pattern string
	who             access
	// id is an existing resource the caller may see, for {id}.
	id string
	// body is a valid request body; nil for a route that reads none.
	body map[string]any
	// override changes the expected status of generated cases by name; 0
	// drops a case (one whose input is valid for this route).
	override map[string]int
	// knownBugs notes, by case name, a case that fails because of a bug
	// not fixed yet: it is logged, not failed, until it passes.
	knownBugs map[string]string
	// extra are the route's own cases: query parameters, cursors, headers,
	// business rules. A case whose request has no method is the route's
	// valid request with the case's path, headers and body put over it.
	extra []badCase
}

// A badCase is one bad request and the answer it must get.
type badCase struct {
	name   string
	req    rawRequest
	status int
	// fields are the JSON paths the problem's errors must name, exactly;
	// anyFields accepts any.
	fields    []string
	anyFields bool
	// knownBug says why the route answers this case wrongly for now.
	knownBug string
}

// A rawRequest is sent as is: no marshalling, no default headers.
type rawRequest struct {
	method, path string
	header       http.Header
	body         []byte
}

// cases lists the route's generated cases, then its own.
func (s routeSpec) cases(t *testing.T, fx *badInputFixture) []badCase {
	t.Helper()
	var token string
	switch s.who {
	case signedIn:
		token = fx.customer
	case adminOnly:
		token = fx.admin
	}
	path := strings.ReplaceAll(s.pattern, "{id}", s.id)
	valid := func() rawRequest {
		h := http.Header{}
		if token != "" {
			h.Set("Authorization", "Bearer "+token)
		}
		var body []byte
		if s.body != nil {
			h.Set("Content-Type", "application/json")
			body = mustJSON(t, s.body)
		}
		return rawRequest{method: s.method, path: path, header: h, body: body}
	}
	var cs []badCase
	add := func(c badCase) {
		if status, ok := s.override[c.name]; ok {
			if status == 0 {
				return
			}
			c.status = status
			if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
				c.fields = nil
			}
		}
		if note, ok := s.knownBugs[c.name]; ok {
			c.knownBug = note
		}
		cs = append(cs, c)
	}

	// Credentials.
	if s.who != open {
		for _, bad := range []struct{ name, header string }{
			{"garbage bearer token", "Bearer garbage"},
			{"empty bearer token", "Bearer "},
			{"bearer token of 10000 characters", "Bearer " + strings.Repeat("A", 10000)},
			{"revoked bearer token", "Bearer " + fx.revoked},
			{"basic credentials", "Basic YWRtaW46YWRtaW4="},
			{"SQL-shaped bearer token", "Bearer ' OR '1'='1"},
		} {
			r := valid()
			r.header.Set("Authorization", bad.header)
			add(badCase{name: bad.name, req: r, status: http.StatusUnauthorized})
		}
	}
	if s.who == signedIn || s.who == adminOnly {
		r := valid()
		r.header.Del("Authorization")
		add(badCase{name: "no bearer token", req: r, status: http.StatusUnauthorized})
	}
	if s.who == adminOnly {
		r := valid()
		r.header.Set("Authorization", "Bearer "+fx.customer)
		add(badCase{name: "customer token", req: r, status: http.StatusForbidden})
	}

	// Path ids.
	if strings.Contains(s.pattern, "{id}") {
		for _, bad := range []struct {
			name, id string
			status   int
		}{
			{"malformed id", "not-a-uuid", http.StatusBadRequest},
			{"id one character short", s.id[:len(s.id)-1], http.StatusBadRequest},
			{"id one character long", s.id + "0", http.StatusBadRequest},
			{"SQL-shaped id", url.PathEscape("1' OR '1'='1"), http.StatusBadRequest},
			{"id with a NUL byte", s.id[:8] + "%00" + s.id[9:], http.StatusBadRequest},
			{"id of 10000 characters", strings.Repeat("9", 10000), http.StatusBadRequest},
			{"unknown id", uuid.Must(uuid.NewV7()).String(), http.StatusNotFound},
			{"nil id", uuid.Nil.String(), http.StatusNotFound},
		} {
			r := valid()
			r.path = strings.ReplaceAll(s.pattern, "{id}", bad.id)
			c := badCase{name: bad.name, req: r, status: bad.status}
			if bad.status == http.StatusBadRequest {
				c.fields = []string{"id"}
			}
			add(c)
		}
	}

	// The body as a whole.
	if s.body != nil {
		for _, bad := range []struct{ name, body string }{
			{"empty body", ""},
			{"malformed JSON", `{"a":`},
			{"JSON syntax error", `{"a" 1}`},
			{"body is null", `null`},
			{"body is an array", `[]`},
			{"body is a string", `"text"`},
			{"body is a number", `42`},
			{"two JSON values", string(mustJSON(t, s.body)) + ` {}`},
			{"trailing garbage", string(mustJSON(t, s.body)) + `x`},
			{"body with a NUL byte", "{\"a\x00\":1}"},
			{"body not UTF-8", "{\"\xff\xfe\":1}"},
		} {
			r := valid()
			r.body = []byte(bad.body)
			add(badCase{name: bad.name, req: r, status: http.StatusBadRequest, anyFields: true})
		}
		r := valid()
		r.body = mustJSON(t, with(s.body, []any{"unknownField"}, 1))
		add(badCase{name: "unknown field", req: r, status: http.StatusBadRequest, fields: []string{"unknownField"}})
		r = valid()
		r.body = []byte(`{"padding":"` + strings.Repeat("x", 2<<20) + `"}`)
		add(badCase{name: "2 MiB body", req: r, status: http.StatusRequestEntityTooLarge})
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/jsonp", "json"} {
			r := valid()
			if ct == "" {
				r.header.Del("Content-Type")
			} else {
				r.header.Set("Content-Type", ct)
			}
			add(badCase{name: fmt.Sprintf("content type %q", ct), req: r, status: http.StatusUnsupportedMediaType})
		}
		schema := fx.requestSchema(t, s.method, s.pattern)
		for _, c := range fieldCases(s.body, schema) {
			r := valid()
			r.body = mustJSON(t, c.body)
			add(badCase{name: c.name, req: r, status: c.status, fields: []string{c.field}})
		}
	}

	for _, c := range s.extra {
		if c.req.method == "" {
			r := valid()
			if c.req.path != "" {
				r.path = c.req.path
			}
			for k, v := range c.req.header {
				r.header[k] = v
			}
			if c.req.body != nil {
				r.body = c.req.body
			}
			c.req = r
		}
		add(c)
	}
	return cs
}

// A fieldCase is a body with one field made invalid.
type fieldCase struct {
	name   string
	body   map[string]any
	field  string
	status int
}

// fieldCases breaks each field of the valid body in every way its schema in
// openapi.json rules out: the wrong JSON type, missing or null when
// required, past its length, count or value limits, not in its format, with
// a NUL byte. Each case expects 400 naming exactly that field.
func fieldCases(body map[string]any, schema *openapi3.Schema) []fieldCase {
	var cs []fieldCase
	bad := func(what string, path []any, v any) {
		cs = append(cs, fieldCase{name: what + " in " + jsonPath(path), body: with(body, path, v), field: jsonPath(path), status: http.StatusBadRequest})
	}
	var walk func(path []any, v any, s *openapi3.Schema, required bool)
	walk = func(path []any, v any, s *openapi3.Schema, required bool) {
		s = flatten(s)
		if len(path) > 0 {
			if required {
				cs = append(cs, fieldCase{name: "missing " + jsonPath(path), body: without(body, path), field: jsonPath(path), status: http.StatusBadRequest})
				bad("null", path, nil)
			}
		}
		switch v := v.(type) {
		case map[string]any:
			if len(path) > 0 {
				bad("an array", path, []any{})
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(append(slices.Clip(path), k), v[k], s.Properties[k].Value, slices.Contains(s.Required, k))
			}
		case []any:
			bad("an object", path, map[string]any{})
			bad("a string", path, "x")
			if s.MinItems > 0 {
				bad("too few items", path, []any{})
			}
			if len(v) > 0 {
				if _, isObject := v[0].(map[string]any); !isObject {
					if s.MaxItems != nil {
						many := make([]any, *s.MaxItems+1)
						for i := range many {
							many[i] = fmt.Sprint(v[0], i)
						}
						bad("too many items", path, many)
					}
				}
				walk(append(slices.Clip(path), 0), v[0], s.Items.Value, false)
			}
		case string:
			bad("a number", path, 42)
			bad("true", path, true)
			bad("an object", path, map[string]any{})
			bad("a NUL byte", path, v[:len(v)/2]+"\x00"+v[len(v)/2:])
			if s.MinLength > 0 {
				bad("an empty string", path, "")
			}
			if s.MaxLength != nil {
				bad("one character too many", path, strings.Repeat("é", int(*s.MaxLength)+1))
				bad("500000 characters", path, strings.Repeat("x", 500000))
			}
			if s.Format != "" || s.Pattern != "" || len(s.Enum) > 0 {
				bad("an SQL-shaped string", path, "x' OR '1'='1'; DROP TABLE users.users; --")
				bad("a 100000-character string", path, strings.Repeat("7", 100000))
			}
		case float64, json.Number:
			bad("a string", path, "1")
			bad("an array", path, []any{1})
			bad("an overflowing number", path, json.Number("1e400"))
			bad("a 30-digit number", path, json.Number(strings.Repeat("9", 30)))
			if s.Min != nil && *s.Min >= 0 {
				bad("a negative number", path, -1)
			}
			if s.Max != nil {
				bad("one over the maximum", path, json.Number(strconv.FormatFloat(*s.Max+1, 'f', -1, 64)))
			}
			if s.Type.Is("integer") {
				bad("a fraction", path, 1.5)
			}
			if s.MultipleOf != nil && *s.MultipleOf == 0.01 {
				bad("three decimals", path, json.Number("1.001"))
			}
		case bool:
			bad("a string", path, "true")
			bad("a number", path, 1)
		}
	}
	walk(nil, body, schema, false)
	return cs
}

// flatten merges s's allOf into one schema, so a field's limits read in one
// place (a price is a Money with a maximum).
func flatten(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || len(s.AllOf) == 0 {
		return s
	}
	out := *s
	for _, sub := range s.AllOf {
		p := flatten(sub.Value)
		if out.Type == nil {
			out.Type = p.Type
		}
		if out.Min == nil {
			out.Min = p.Min
		}
		if out.Max == nil {
			out.Max = p.Max
		}
		if out.MultipleOf == nil {
			out.MultipleOf = p.MultipleOf
		}
		if out.Format == "" {
			out.Format = p.Format
		}
	}
	return &out
}

// jsonPath writes path as the API names fields: lines[0].bookId.
func jsonPath(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// with returns a deep copy of body with the value at path set to v.
func with(body map[string]any, path []any, v any) map[string]any {
	c := deepCopy(body).(map[string]any)
	var at any = c
	for i, p := range path {
		last := i == len(path)-1
		switch p := p.(type) {
		case string:
			m := at.(map[string]any)
			if last {
				m[p] = v
			}
			at = m[p]
		case int:
			a := at.([]any)
			if last {
				a[p] = v
			}
			at = a[p]
		}
	}
	return c
}

// without returns a deep copy of body without the object member at path.
func without(body map[string]any, path []any) map[string]any {
	c := deepCopy(body).(map[string]any)
	var at any = c
	for _, p := range path[:len(path)-1] {
		switch p := p.(type) {
		case string:
			at = at.(map[string]any)[p]
		case int:
			at = at.([]any)[p]
		}
	}
	delete(at.(map[string]any), path[len(path)-1].(string))
	return c
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, x := range v {
			c[k] = deepCopy(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	}
	return v
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// badInputFixture is the data the suite's valid requests refer to.
type badInputFixture struct {
	srv *httptest.Server
	// Bearer tokens: a customer with a delivery address, another without
	// one, an admin, and a token that was revoked.
	customer, homeless, admin, revoked string
	// Books: on sale (with a review), another on sale, not for sale (price
	// 0), and soft-deleted.
	book, otherBook, freeBook, deletedBook string
	// Orders: one of the customer's (placed) and one of the admin's.
	order, adminOrder string
	// Cursors of the first page of each list, pageSize=1.
	booksCursor, votesCursor, deletedCursor, ordersCursor, allOrdersCursor string
}

func newBadInputFixture(t *testing.T, srv *httptest.Server, pool *pgxpool.Pool) *badInputFixture {
	t.Helper()
	fx := &badInputFixture{srv: srv}
	register(t, srv, "customer@example.com")
	fx.customer = login(t, srv, "customer@example.com")
	decode[address](t, do(t, srv, "PUT", "/api/users/me/address", fx.customer,
		map[string]string{"line1": "1 Book Street", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}), http.StatusOK)
	fx.revoked = login(t, srv, "customer@example.com")
	if r := do(t, srv, "POST", "/api/auth/logout", fx.revoked, nil); r.status != http.StatusNoContent {
		t.Fatalf("logout = %d %s", r.status, r.body)
	}
	fx.admin = login(t, srv, adminEmail)
	register(t, srv, "homeless@example.com")
	fx.homeless = login(t, srv, "homeless@example.com")
	decode[address](t, do(t, srv, "PUT", "/api/users/me/address", fx.admin,
		map[string]string{"line1": "2 Admin Road", "city": "York", "postcode": "YO1 1AA", "country": "GB"}), http.StatusOK)

	addBook := func(title string, price float64) string {
		t.Helper()
		return decode[idJSON](t, do(t, srv, "POST", "/api/books", fx.admin, map[string]any{
			"title": title, "publishedOn": "2021-06-01", "price": price, "authors": []string{"Ann Author"}, "tags": []string{"Go"},
		}), http.StatusCreated).ID
	}
	fx.book, fx.otherBook, fx.freeBook = addBook("One", 20), addBook("Two", 30), addBook("Free", 0)
	decode[idJSON](t, do(t, srv, "POST", "/api/books/"+fx.book+"/reviews", fx.customer,
		map[string]any{"numStars": 4, "comment": "Good"}), http.StatusCreated)
	fx.deletedBook = addBook("Gone", 10)
	for _, id := range []string{fx.deletedBook, addBook("Gone too", 10)} {
		if r := do(t, srv, "DELETE", "/api/books/"+id, fx.admin, nil); r.status != http.StatusNoContent {
			t.Fatalf("delete book = %d %s", r.status, r.body)
		}
	}

	placeOrder := func(token string) string {
		t.Helper()
		return decode[idJSON](t, do(t, srv, "POST", "/api/orders", token, map[string]any{
			"lines": []map[string]any{{"bookId": fx.book, "quantity": 1}}, "acceptTerms": true,
		}), http.StatusCreated).ID
	}
	fx.order = placeOrder(fx.customer)
	placeOrder(fx.customer)
	fx.adminOrder = placeOrder(fx.admin)
	// The orders' events reach books, and the book list shows their copies
	// sold, before the cases start comparing the tables.
	eventually(t, func() string {
		var pending, unlisted int
		if err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM orders.outbox_deliveries WHERE delivered_at IS NULL),
			(SELECT count(*) FROM books.sales WHERE copies_sold <> listed)`).Scan(&pending, &unlisted); err != nil {
			return err.Error()
		}
		if pending+unlisted > 0 {
			return fmt.Sprintf("%d deliveries pending, %d books' copies sold not listed", pending, unlisted)
		}
		return ""
	})

	cursor := func(token, path string) string {
		t.Helper()
		p := decode[struct {
			NextCursor *string `json:"nextCursor"`
		}](t, do(t, srv, "GET", path, token, nil), http.StatusOK)
		if p.NextCursor == nil {
			t.Fatalf("GET %s: no next page", path)
		}
		return *p.NextCursor
	}
	fx.booksCursor = cursor("", "/api/books?pageSize=1")
	fx.votesCursor = cursor("", "/api/books?pageSize=1&sort=votes")
	fx.deletedCursor = cursor(fx.admin, "/api/books/deleted?pageSize=1")
	fx.ordersCursor = cursor(fx.customer, "/api/orders?pageSize=1")
	fx.allOrdersCursor = cursor(fx.admin, "/api/orders?pageSize=1&all=true")
	return fx
}

// idJSON is the id of whatever a response describes.
type idJSON struct {
	ID string `json:"id"`
}

// send sends r as is and reads the answer, which must be one openapi.json
// describes.
func (fx *badInputFixture) send(t *testing.T, r rawRequest) response {
	t.Helper()
	req, err := http.NewRequest(r.method, fx.srv.URL+r.path, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	maps.Copy(req.Header, r.header)
	resp, err := fx.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkContract(t, req, resp.StatusCode, resp.Header, b)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// requestSchema is the schema openapi.json gives the route's request body.
func (fx *badInputFixture) requestSchema(t *testing.T, method, pattern string) *openapi3.Schema {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	item := c.doc.Paths.Value(pattern)
	if item == nil || item.GetOperation(method) == nil || item.GetOperation(method).RequestBody == nil {
		t.Fatalf("openapi.json has no request body for %s %s", method, pattern)
	}
	return item.GetOperation(method).RequestBody.Value.Content.Get("application/json").Schema.Value
}

// A snapshotter reads every table of every context, to prove that a request
// changed nothing.
type snapshotter struct {
	pool  *pgxpool.Pool
	query string
}

func newSnapshotter(t *testing.T, pool *pgxpool.Pool) *snapshotter {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
		WHERE table_schema IN ('users', 'books', 'orders') AND table_type = 'BASE TABLE'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("no tables to watch")
	}
	var parts []string
	for _, tb := range tables {
		parts = append(parts, fmt.Sprintf(
			`SELECT %s, count(*) || ' rows, md5 ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM %s x`,
			quoteLiteral(tb), tb))
	}
	return &snapshotter{pool: pool, query: strings.Join(parts, " UNION ALL ")}
}

// take returns each table's row count and a digest of its rows.
func (s *snapshotter) take(t *testing.T) map[string]string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), s.query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var table, digest string
		if err := rows.Scan(&table, &digest); err != nil {
			t.Fatal(err)
		}
		m[table] = digest
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// badInputRoutes is the suite's table: every route of the API.
func badInputRoutes(fx *badInputFixture) []routeSpec {
	user := map[string]any{"email": "new@example.com", "name": "New Reader", "password": password}
	addr := map[string]any{"line1": "1 Road", "line2": "Flat 2", "city": "Bath", "postcode": "BA1 1AA", "country": "GB"}
	orderBody := newOrderBody(fx.book)
	okDate, sunday := deliveryDates()
	return []routeSpec{
		{method: "GET", pattern: "/healthz", who: open},
		{method: "GET", pattern: "/readyz", who: open},
		{method: "GET", pattern: "/metrics", who: open},
		{method: "GET", pattern: "/openapi.json", who: open},

		{method: "POST", pattern: "/api/users", who: anyone, body: user,
			override: map[string]int{"a NUL byte in password": 0}, // a password may hold any character
			extra: []badCase{
				{name: "email with two @", req: rawRequest{body: mustJSONAny(with(user, []any{"email"}, "a@b@example.com"))},
					status: http.StatusBadRequest, fields: []string{"email"}},
				{name: "email of 255 bytes", req: rawRequest{body: mustJSONAny(with(user, []any{"email"}, strings.Repeat("a", 243)+"@example.com"))},
					status: http.StatusBadRequest, fields: []string{"email"}},
				{name: "name only spaces", req: rawRequest{body: mustJSONAny(with(user, []any{"name"}, "   "))},
					status: http.StatusBadRequest, fields: []string{"name"}},
				{name: "taken email", req: rawRequest{body: mustJSONAny(with(user, []any{"email"}, "CUSTOMER@example.com"))},
					status: http.StatusConflict},
			}},
		{method: "POST", pattern: "/api/auth/login", who: anyone,
			body: map[string]any{"email": "customer@example.com", "password": "wrong password"},
			override: map[string]int{
				// Not an address anyone has: the same 401 as any failed
				// sign-in, and not counted towards the lockout.
				"a NUL byte in email": http.StatusUnauthorized,
				// An odd or missing password is a wrong password: 401,
				// counted.
				"a NUL byte in password": 0, "missing password": 0, "null in password": 0,
				// A sign-in without an email is a failed sign-in.
				"missing email": http.StatusUnauthorized, "null in email": http.StatusUnauthorized,
				"body is null": http.StatusUnauthorized,
			},
		},
		{method: "POST", pattern: "/api/auth/logout", who: signedIn},
		{method: "GET", pattern: "/api/users/me", who: signedIn},
		{method: "PUT", pattern: "/api/users/me/address", who: signedIn, body: addr,
			extra: []badCase{
				{name: "country not ISO 3166", req: rawRequest{body: mustJSONAny(with(addr, []any{"country"}, "XX"))},
					status: http.StatusBadRequest, fields: []string{"country"}},
				{name: "country of three letters", req: rawRequest{body: mustJSONAny(with(addr, []any{"country"}, "GBR"))},
					status: http.StatusBadRequest, fields: []string{"country"}},
				{name: "line1 only spaces", req: rawRequest{body: mustJSONAny(with(addr, []any{"line1"}, "  "))},
					status: http.StatusBadRequest, fields: []string{"line1"}},
			}},

		{method: "GET", pattern: "/api/books", who: anyone, extra: slices.Concat(
			queryCases("/api/books", "sort", qv{"unknown", "bogus"}, qv{"upper case", "PRICE"}, qv{"SQL-shaped", "price; DROP TABLE books.books"}),
			queryCases("/api/books", "votes", values("0", "5", "-1", "abc", "1.5", "99999999999999999999", "2e0")...),
			queryCases("/api/books", "year", values("abc", "99999", "-2020", "20", "upcomingx", "2020.5", "0")...),
			queryCases("/api/books", "tag", qv{"with a NUL byte", "Go\x00"}, qv{"not UTF-8", "Go\xff"},
				qv{"with a control character", "Go\x1b[31m"}, qv{"of 101 characters", strings.Repeat("t", 101)}),
			queryCases("/api/books", "pageSize", values("0", "-1", "1001", "abc", "1e2", "1.5", "99999999999999999999")...),
			queryCases("/api/books?pageSize=1", "cursor", slices.Concat(garbageCursors, tampered(fx.booksCursor), []qv{
				{"of another sort", fx.votesCursor},
				{"of the deleted list", fx.deletedCursor},
				{"of the orders list", fx.ordersCursor},
			})...),
			queryCases("/api/books?pageSize=1&sort=price", "cursor", qv{"of sort=votes", fx.votesCursor}, qv{"of sort=default", fx.booksCursor}),
			queryCases("/api/books?pageSize=1&tag=Go", "cursor", qv{"of no tag", fx.booksCursor}),
		)},
		{method: "GET", pattern: "/api/books/deleted", who: adminOnly, extra: slices.Concat(
			queryCases("/api/books/deleted", "pageSize", values("0", "-1", "1001", "abc", "1.5", "99999999999999999999")...),
			queryCases("/api/books/deleted?pageSize=1", "cursor", slices.Concat(garbageCursors, tampered(fx.deletedCursor), []qv{
				{"of the public list", fx.booksCursor},
				{"of the orders list", fx.ordersCursor},
			})...),
		)},
		{method: "GET", pattern: "/api/books/{id}", who: anyone, id: fx.book, extra: []badCase{
			{name: "deleted book", req: rawRequest{path: "/api/books/" + fx.deletedBook}, status: http.StatusNotFound},
		}},
		{method: "GET", pattern: "/api/tags", who: anyone},
		{method: "POST", pattern: "/api/books", who: adminOnly, body: bookBody, extra: []badCase{
			badBody("imageUrl ftp", bookBody, []any{"imageUrl"}, "ftp://example.com/cover.jpg", http.StatusBadRequest, "imageUrl"),
			badBody("imageUrl javascript", bookBody, []any{"imageUrl"}, "javascript:alert(1)", http.StatusBadRequest, "imageUrl"),
			badBody("imageUrl relative", bookBody, []any{"imageUrl"}, "/cover.jpg", http.StatusBadRequest, "imageUrl"),
			badBody("publishedOn 30 February", bookBody, []any{"publishedOn"}, "2021-02-30", http.StatusBadRequest, "publishedOn"),
			badBody("publishedOn without zeros", bookBody, []any{"publishedOn"}, "2021-2-3", http.StatusBadRequest, "publishedOn"),
			badBody("publishedOn a timestamp", bookBody, []any{"publishedOn"}, "2021-02-03T00:00:00Z", http.StatusBadRequest, "publishedOn"),
			badBody("price 10000.01", bookBody, []any{"price"}, 10000.01, http.StatusBadRequest, "price"),
			badBody("title only spaces", bookBody, []any{"title"}, "   ", http.StatusBadRequest, "title"),
			badBody("an author only spaces", bookBody, []any{"authors", 1}, "  ", http.StatusBadRequest, "authors[1]"),
			badBody("an author twice", bookBody, []any{"authors", 1}, "Ann One", http.StatusBadRequest, "authors[1]"),
			badBody("a tag twice", bookBody, []any{"tags", 1}, "Go", http.StatusBadRequest, "tags[1]"),
			badBody("a line break in the title", bookBody, []any{"title"}, "New\nBook", http.StatusBadRequest, "title"),
			badBody("an escape sequence in the publisher", bookBody, []any{"publisher"}, "Pub\x1b[2J", http.StatusBadRequest, "publisher"),
		}},
		{method: "PUT", pattern: "/api/books/{id}/published-on", who: adminOnly, id: fx.otherBook,
			body: map[string]any{"publishedOn": "2022-03-04"}, extra: []badCase{
				{name: "month 13", req: rawRequest{body: []byte(`{"publishedOn":"2022-13-01"}`)}, status: http.StatusBadRequest, fields: []string{"publishedOn"}},
				{name: "deleted book", req: rawRequest{path: "/api/books/" + fx.deletedBook + "/published-on"}, status: http.StatusNotFound},
			}},
		{method: "PUT", pattern: "/api/books/{id}/promotion", who: adminOnly, id: fx.otherBook,
			body: map[string]any{"actualPrice": 25, "promotionalText": "Spring sale"}, extra: []badCase{
				{name: "actualPrice equal to the price", req: rawRequest{body: []byte(`{"actualPrice":30,"promotionalText":"Sale"}`)},
					status: http.StatusUnprocessableEntity, fields: []string{"actualPrice"}},
				{name: "actualPrice above the price", req: rawRequest{body: []byte(`{"actualPrice":30.01,"promotionalText":"Sale"}`)},
					status: http.StatusUnprocessableEntity, fields: []string{"actualPrice"}},
				{name: "text only spaces", req: rawRequest{body: []byte(`{"actualPrice":25,"promotionalText":"   "}`)},
					status: http.StatusBadRequest, fields: []string{"promotionalText"}},
				{name: "deleted book", req: rawRequest{path: "/api/books/" + fx.deletedBook + "/promotion"}, status: http.StatusNotFound},
			}},
		{method: "DELETE", pattern: "/api/books/{id}/promotion", who: adminOnly, id: fx.otherBook},
		{method: "POST", pattern: "/api/books/{id}/reviews", who: signedIn, id: fx.otherBook,
			body: map[string]any{"numStars": 5, "comment": "Fine"}, extra: []badCase{
				{name: "deleted book", req: rawRequest{path: "/api/books/" + fx.deletedBook + "/reviews"}, status: http.StatusNotFound},
				{name: "numStars a huge fraction", req: rawRequest{body: []byte(`{"numStars":4.0000000001}`)}, status: http.StatusBadRequest, fields: []string{"numStars"}},
			}},
		{method: "DELETE", pattern: "/api/books/{id}", who: adminOnly, id: fx.otherBook},
		{method: "POST", pattern: "/api/books/{id}/restore", who: adminOnly, id: fx.deletedBook},

		{method: "POST", pattern: "/api/orders", who: signedIn, body: orderBody,
			override: map[string]int{"missing acceptTerms": http.StatusUnprocessableEntity, "null in acceptTerms": http.StatusUnprocessableEntity},
			extra: []badCase{
				badBody("acceptTerms false", orderBody, []any{"acceptTerms"}, false, http.StatusUnprocessableEntity, "acceptTerms"),
				badBody("quantity 0", orderBody, []any{"lines", 0, "quantity"}, 0, http.StatusBadRequest, "lines[0].quantity"),
				badBody("unknown book", orderBody, []any{"lines", 0, "bookId"}, uuid.Must(uuid.NewV7()).String(), http.StatusUnprocessableEntity, "lines[0].bookId"),
				badBody("deleted book", orderBody, []any{"lines", 0, "bookId"}, fx.deletedBook, http.StatusUnprocessableEntity, "lines[0].bookId"),
				badBody("book not for sale", orderBody, []any{"lines", 0, "bookId"}, fx.freeBook, http.StatusUnprocessableEntity, "lines[0].bookId"),
				badBody("bookId in braces", orderBody, []any{"lines", 0, "bookId"}, "{"+fx.book+"}", http.StatusBadRequest, "lines[0].bookId"),
				badBody("bookId without dashes", orderBody, []any{"lines", 0, "bookId"}, strings.ReplaceAll(fx.book, "-", ""), http.StatusBadRequest, "lines[0].bookId"),
				badBody("duplicate bookId", orderBody, []any{"lines"}, []any{
					map[string]any{"bookId": fx.book, "quantity": 1}, map[string]any{"bookId": fx.book, "quantity": 2}},
					http.StatusBadRequest, "lines[1].bookId"),
				badBody("51 lines", orderBody, []any{"lines"}, fiftyOneLines(), http.StatusBadRequest, "lines"),
				{name: "no delivery address", req: rawRequest{header: http.Header{"Authorization": {"Bearer " + fx.homeless}}},
					status: http.StatusUnprocessableEntity},
				{name: "Idempotency-Key of 101 characters", req: rawRequest{header: http.Header{"Idempotency-Key": {strings.Repeat("k", 101)}}},
					status: http.StatusBadRequest, fields: []string{"Idempotency-Key"}},
				{name: "Idempotency-Key empty", req: rawRequest{header: http.Header{"Idempotency-Key": {""}}},
					status: http.StatusBadRequest, fields: []string{"Idempotency-Key"}},
				{name: "Idempotency-Key with a tab", req: rawRequest{header: http.Header{"Idempotency-Key": {"a\tb"}}},
					status: http.StatusBadRequest, fields: []string{"Idempotency-Key"}},
				{name: "Idempotency-Key not ASCII", req: rawRequest{header: http.Header{"Idempotency-Key": {"clé"}}},
					status: http.StatusBadRequest, fields: []string{"Idempotency-Key"}},
				{name: "Idempotency-Key twice", req: rawRequest{header: http.Header{"Idempotency-Key": {"one", "two"}}},
					status: http.StatusBadRequest, fields: []string{"Idempotency-Key"}},
			}},
		{method: "GET", pattern: "/api/orders", who: signedIn, extra: slices.Concat(
			queryCases("/api/orders", "pageSize", values("0", "-1", "101", "abc", "1.5", "99999999999999999999")...),
			queryCases("/api/orders", "all", values("yes", "1", "TRUE", "true ")...),
			[]badCase{{name: "all=true for a customer", req: rawRequest{path: "/api/orders?all=true"}, status: http.StatusForbidden}},
			queryCases("/api/orders?pageSize=1", "cursor", slices.Concat(garbageCursors, tampered(fx.ordersCursor), []qv{
				{"of all orders", fx.allOrdersCursor},
				{"of the books list", fx.booksCursor},
			})...),
		)},
		{method: "GET", pattern: "/api/orders/{id}", who: signedIn, id: fx.order, extra: []badCase{
			{name: "another customer's order", req: rawRequest{path: "/api/orders/" + fx.adminOrder}, status: http.StatusNotFound},
		}},
		{method: "PUT", pattern: "/api/orders/{id}/delivery-date", who: signedIn, id: fx.order,
			body: map[string]any{"date": okDate}, extra: []badCase{
				{name: "a Sunday", req: rawRequest{body: mustJSONAny(map[string]any{"date": sunday})}, status: http.StatusUnprocessableEntity, fields: []string{"date"}},
				{name: "today", req: rawRequest{body: mustJSONAny(map[string]any{"date": time.Now().UTC().Format(time.DateOnly)})}, status: http.StatusUnprocessableEntity, fields: []string{"date"}},
				{name: "30 February", req: rawRequest{body: []byte(`{"date":"2031-02-30"}`)}, status: http.StatusBadRequest, fields: []string{"date"}},
				{name: "another customer's order", req: rawRequest{path: "/api/orders/" + fx.adminOrder + "/delivery-date"}, status: http.StatusNotFound},
			}},
		{method: "POST", pattern: "/api/orders/{id}/cancel", who: signedIn, id: fx.order, extra: []badCase{
			{name: "another customer's order", req: rawRequest{path: "/api/orders/" + fx.adminOrder + "/cancel"}, status: http.StatusNotFound},
		}},
		{method: "PUT", pattern: "/api/orders/{id}/status", who: adminOnly, id: fx.order,
			body: map[string]any{"status": "dispatched"}, extra: []badCase{
				{name: "placed again", req: rawRequest{body: []byte(`{"status":"placed"}`)}, status: http.StatusUnprocessableEntity},
				{name: "skipping to delivered", req: rawRequest{body: []byte(`{"status":"delivered"}`)}, status: http.StatusUnprocessableEntity},
				{name: "upper case", req: rawRequest{body: []byte(`{"status":"DISPATCHED"}`)}, status: http.StatusBadRequest, fields: []string{"status"}},
			}},
	}
}

// orderBody is a valid POST /api/orders body, once its book id is set.
func newOrderBody(bookID string) map[string]any {
	return map[string]any{"lines": []any{map[string]any{"bookId": bookID, "quantity": 2}}, "acceptTerms": true}
}

// fiftyOneLines is one line too many, each of another book.
func fiftyOneLines() []any {
	lines := make([]any, 51)
	for i := range lines {
		lines[i] = map[string]any{"bookId": uuid.Must(uuid.NewV7()).String(), "quantity": 1}
	}
	return lines
}

// A qv is a query parameter value with a name for the test.
type qv struct{ label, value string }

// queryCases returns a case per value: path with param=value, which must get
// 400 naming param.
func queryCases(path, param string, values ...qv) []badCase {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var cs []badCase
	for _, v := range values {
		cs = append(cs, badCase{
			name:   param + " " + v.label,
			req:    rawRequest{path: path + sep + param + "=" + url.QueryEscape(v.value)},
			status: http.StatusBadRequest, fields: []string{param},
		})
	}
	return cs
}

// values makes qvs labelled by their own text.
func values(vs ...string) []qv {
	out := make([]qv, len(vs))
	for i, v := range vs {
		out[i] = qv{v, v}
	}
	return out
}

// tampered returns edits of a real cursor (unpadded base64url, as every
// list writes them): a character changed at the start, in the middle and
// near the end, cut short, lengthened, padded, and the same bytes spelled
// another way (the unused low bits of the last character set).
func tampered(c string) []qv {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	flip := func(i int, bit byte) string {
		b := []byte(c)
		b[i] = alphabet[byte(strings.IndexByte(alphabet, b[i]))^bit]
		return string(b)
	}
	qvs := []qv{
		{"changed at the start", flip(0, 1)},
		{"changed in the middle", flip(len(c)/2, 1)},
		{"changed near the end", flip(len(c)-2, 1)},
		{"cut short", c[:len(c)-2]},
		{"lengthened", c + "AA"},
		{"padded", c + "="},
	}
	if unused := len(c) * 6 % 8; unused > 0 {
		qvs = append(qvs, qv{"spelled another way", flip(len(c)-1, 1)})
	}
	return qvs
}

// garbageCursors are cursors no list ever made.
var garbageCursors = []qv{
	{"garbage", "garbage"},
	{"not base64", "!!!!"},
	{"SQL-shaped", "' OR '1'='1"},
	{"with a NUL byte", "AAAA\x00AAAA"},
	{"of 10000 characters", strings.Repeat("A", 10000)},
}

// bookBody is a valid POST /api/books body.
var bookBody = map[string]any{
	"title": "New Book", "description": "About it.", "publishedOn": "2022-02-02", "publisher": "Pub",
	"price": 12.5, "imageUrl": "https://example.com/cover.jpg", "authors": []any{"Ann One", "Bob Two"}, "tags": []any{"Go", "Databases"},
}

// badBody is a case of a route whose valid body is body, with the value at
// path set to v.
func badBody(name string, body map[string]any, path []any, v any, status int, fields ...string) badCase {
	return badCase{name: name, req: rawRequest{body: mustJSONAny(with(body, path, v))}, status: status, fields: fields}
}

// deliveryDates returns a date the customer may choose, and a Sunday that
// would otherwise be fine.
func deliveryDates() (ok, sunday string) {
	d := time.Now().UTC().AddDate(0, 0, 10)
	if d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	sun := d
	for sun.Weekday() != time.Sunday {
		sun = sun.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly), sun.Format(time.DateOnly)
}

func mustJSONAny(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
