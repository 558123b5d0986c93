package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The orders JSON as a client reads it. Money is decoded twice over: as a
// number here, and as raw text where the test checks its two decimals.
type (
	orderJSON struct {
		ID                   string          `json:"id"`
		Status               string          `json:"status"`
		PlacedAt             string          `json:"placedAt"`
		ExpectedDeliveryDate string          `json:"expectedDeliveryDate"`
		DeliveryAddress      address         `json:"deliveryAddress"`
		Lines                []orderLineJSON `json:"lines"`
		Total                float64         `json:"total"`
	}
	orderLineJSON struct {
		LineNum   int     `json:"lineNum"`
		BookID    string  `json:"bookId"`
		Title     string  `json:"title"`
		Quantity  int     `json:"quantity"`
		UnitPrice float64 `json:"unitPrice"`
		LineTotal float64 `json:"lineTotal"`
	}
	orderPageJSON struct {
		Items      []orderJSON `json:"items"`
		NextCursor *string     `json:"nextCursor"`
	}
)

// orderShop is a test server with the shop's clock stopped on Thursday
// 7 May 2026 at 16:30 UTC, its administrator signed in, and helpers to stock
// the catalogue and sign customers up, all over HTTP.
type orderShop struct {
	srv   *httptest.Server
	pool  *pgxpool.Pool
	admin string // the administrator's token
	n     int    // customers so far
}

var orderNow = time.Date(2026, 5, 7, 16, 30, 0, 0, time.UTC)

func newOrderShop(t *testing.T) *orderShop {
	t.Helper()
	srv, pool := newServerAt(t, func() time.Time { return orderNow })
	return &orderShop{srv: srv, pool: pool, admin: login(t, srv, adminEmail)}
}

// addBook adds a book priced price (in the API's decimal money) and returns
// its id.
func (s *orderShop) addBook(t *testing.T, title string, price float64) string {
	t.Helper()
	b := decode[struct {
		ID string `json:"id"`
	}](t, do(t, s.srv, "POST", "/api/books", s.admin, map[string]any{
		"title": title, "publishedOn": "2020-01-01", "price": price, "authors": []string{"A. Writer"},
	}), http.StatusCreated)
	return b.ID
}

// customer registers a customer, sets their delivery address unless
// withAddress is false, and returns their token.
func (s *orderShop) customer(t *testing.T, withAddress bool) string {
	t.Helper()
	s.n++
	email := fmt.Sprintf("reader%d@example.com", s.n)
	register(t, s.srv, email)
	token := login(t, s.srv, email)
	if withAddress {
		r := do(t, s.srv, "PUT", "/api/users/me/address", token, shopAddress)
		if r.status != http.StatusOK {
			t.Fatalf("set address: %d %s", r.status, r.body)
		}
	}
	return token
}

var shopAddress = map[string]string{"line1": "1 Book Street", "line2": "Flat 2", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}

// orderBody is a POST /api/orders body with terms accepted; lines alternate
// book id and quantity.
func orderBody(lines ...any) map[string]any {
	var ls []map[string]any
	for i := 0; i+1 < len(lines); i += 2 {
		ls = append(ls, map[string]any{"bookId": lines[i], "quantity": lines[i+1]})
	}
	return map[string]any{"lines": ls, "acceptTerms": true}
}

// place posts an order and checks that it is created.
func (s *orderShop) place(t *testing.T, token string, body any) orderJSON {
	t.Helper()
	r := do(t, s.srv, "POST", "/api/orders", token, body)
	o := decode[orderJSON](t, r, http.StatusCreated)
	if loc := r.header.Get("Location"); loc != "/api/orders/"+o.ID {
		t.Errorf("Location = %q, want /api/orders/%s", loc, o.ID)
	}
	return o
}

// placeWithKey posts an order with an Idempotency-Key. It does not fail the
// test itself, so goroutines may call it; it checks the answer against
// openapi.json like do.
func (s *orderShop) placeWithKey(t *testing.T, token, key string, body any) (response, error) {
	j, err := json.Marshal(body)
	if err != nil {
		return response{}, err
	}
	req, err := http.NewRequest("POST", s.srv.URL+"/api/orders", bytes.NewReader(j))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	checkContract(t, req, resp.StatusCode, resp.Header, b)
	return response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func (s *orderShop) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestPlaceOrderAndReadItBack(t *testing.T) {
	s := newOrderShop(t)
	ddd := s.addBook(t, "Domain-Driven Design", 49.99)
	refactoring := s.addBook(t, "Refactoring", 10)
	if r := do(t, s.srv, "PUT", "/api/books/"+refactoring+"/promotion", s.admin,
		map[string]any{"actualPrice": 7.5, "promotionalText": "Spring sale"}); r.status != http.StatusOK {
		t.Fatalf("set promotion: %d %s", r.status, r.body)
	}
	ann := s.customer(t, true)

	r := do(t, s.srv, "POST", "/api/orders", ann, orderBody(ddd, 2, refactoring, 3))
	placed := decode[orderJSON](t, r, http.StatusCreated)
	want := orderJSON{
		ID:                   placed.ID,
		Status:               "placed",
		PlacedAt:             "2026-05-07T16:30:00Z",
		ExpectedDeliveryDate: "2026-05-11", // Thursday + 3 is a Sunday: Monday
		DeliveryAddress:      address{Line1: "1 Book Street", Line2: "Flat 2", City: "Leeds", Postcode: "LS1 1AA", Country: "GB"},
		Lines: []orderLineJSON{
			{LineNum: 1, BookID: ddd, Title: "Domain-Driven Design", Quantity: 2, UnitPrice: 49.99, LineTotal: 99.98},
			{LineNum: 2, BookID: refactoring, Title: "Refactoring", Quantity: 3, UnitPrice: 7.5, LineTotal: 22.5},
		},
		Total: 122.48,
	}
	if diff := cmp.Diff(want, placed); diff != "" {
		t.Errorf("placed order (-want +got):\n%s", diff)
	}
	for _, money := range []string{`"unitPrice":7.50`, `"lineTotal":22.50`, `"total":122.48`} {
		if !strings.Contains(string(r.body), money) {
			t.Errorf("body %s does not contain %s: money has two decimals", r.body, money)
		}
	}
	if loc := r.header.Get("Location"); loc != "/api/orders/"+placed.ID {
		t.Errorf("Location = %q", loc)
	}
	if v := uuid.MustParse(placed.ID).Version(); v != 7 {
		t.Errorf("order id %s is a UUIDv%d, want v7", placed.ID, v)
	}

	// The price is the one at placing time: removing the promotion, and
	// changing the address, leave the order as it was.
	if r := do(t, s.srv, "DELETE", "/api/books/"+refactoring+"/promotion", s.admin, nil); r.status != http.StatusOK {
		t.Fatalf("remove promotion: %d %s", r.status, r.body)
	}
	if r := do(t, s.srv, "PUT", "/api/users/me/address", ann, map[string]string{
		"line1": "9 New Road", "city": "York", "postcode": "YO1 1AA", "country": "GB"}); r.status != http.StatusOK {
		t.Fatalf("move house: %d %s", r.status, r.body)
	}
	read := decode[orderJSON](t, do(t, s.srv, "GET", "/api/orders/"+placed.ID, ann, nil), http.StatusOK)
	if diff := cmp.Diff(want, read); diff != "" {
		t.Errorf("order read back after the promotion ended (-want +got):\n%s", diff)
	}
	// A new order pays the price of now.
	later := s.place(t, ann, orderBody(refactoring, 1))
	if later.Lines[0].UnitPrice != 10 || later.Total != 10 || later.DeliveryAddress.City != "York" {
		t.Errorf("a later order: unit price %v, total %v, city %s; want 10, 10, York", later.Lines[0].UnitPrice, later.Total, later.DeliveryAddress.City)
	}
	list := decode[orderPageJSON](t, do(t, s.srv, "GET", "/api/orders", ann, nil), http.StatusOK)
	if len(list.Items) != 2 || list.Items[0].ID != later.ID || list.Items[1].ID != placed.ID || list.NextCursor != nil {
		t.Errorf("list = %+v, want the two orders, newest first, and no next page", list)
	}
}

// A book that is soft-deleted, unknown or priced 0 is refused, naming its
// line; alone or together, and with the terms not accepted as well.
func TestPlaceOrderRefusesBooks(t *testing.T) {
	s := newOrderShop(t)
	ok := s.addBook(t, "For sale", 12)
	gone := s.addBook(t, "Withdrawn", 12)
	if r := do(t, s.srv, "DELETE", "/api/books/"+gone, s.admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("soft-delete: %d %s", r.status, r.body)
	}
	free := s.addBook(t, "Free sample", 0)
	unknown := uuid.Must(uuid.NewV7()).String()
	ann := s.customer(t, true)
	tests := []struct {
		name string
		body map[string]any
		want map[string]string
	}{
		{"soft-deleted", orderBody(ok, 1, gone, 1), map[string]string{"lines[1].bookId": "the book is no longer sold"}},
		{"unknown", orderBody(ok, 1, unknown, 1), map[string]string{"lines[1].bookId": "no such book"}},
		{"priced 0", orderBody(ok, 1, free, 1), map[string]string{"lines[1].bookId": "the book is not for sale"}},
		{"all at once, terms refused", func() map[string]any {
			b := orderBody(free, 1, ok, 1, unknown, 2, gone, 3)
			b["acceptTerms"] = false
			return b
		}(), map[string]string{
			"acceptTerms":     "must be true: accept the terms and conditions to place an order",
			"lines[0].bookId": "the book is not for sale",
			"lines[2].bookId": "no such book",
			"lines[3].bookId": "the book is no longer sold",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s.srv, "POST", "/api/orders", ann, tt.body)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422 (body %s)", r.status, r.body)
			}
			if diff := cmp.Diff(tt.want, r.problem(t).Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if n := s.count(t, `SELECT count(*) FROM orders.orders`); n != 0 {
		t.Errorf("%d orders stored by refused requests", n)
	}
}

func TestPlaceOrderErrors(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	other := s.addBook(t, "Other", 12)
	ann := s.customer(t, true)
	homeless := s.customer(t, false)
	fifty := func(n int) map[string]any {
		var lines []any
		for range n {
			lines = append(lines, uuid.Must(uuid.NewV7()).String(), 1)
		}
		return orderBody(lines...)
	}
	tests := []struct {
		name   string
		token  string
		body   any
		status int
		fields []string // the problem's errors, sorted; nil for none
	}{
		{"no lines", ann, map[string]any{"lines": []any{}, "acceptTerms": true}, 400, []string{"lines"}},
		{"lines missing", ann, map[string]any{"acceptTerms": true}, 400, []string{"lines"}},
		{"51 lines", ann, fifty(51), 400, []string{"lines"}},
		{"duplicate book", ann, orderBody(book, 1, other, 1, book, 2), 400, []string{"lines[2].bookId"}},
		{"quantity 0", ann, orderBody(book, 0), 400, []string{"lines[0].quantity"}},
		{"quantity 101", ann, orderBody(book, 1, other, 101), 400, []string{"lines[1].quantity"}},
		{"quantity not whole", ann, orderBody(book, 1.5), 400, []string{"lines[0].quantity"}},
		{"book id not a UUID", ann, orderBody(book, 1, "not-a-uuid", 1), 400, []string{"lines[1].bookId"}},
		{"book id missing", ann, map[string]any{"lines": []any{map[string]any{"quantity": 1}}, "acceptTerms": true}, 400, []string{"lines[0].bookId"}},
		{"unknown field", ann, map[string]any{"lines": []any{map[string]any{"bookId": book, "quantity": 1, "price": 0.01}}, "acceptTerms": true}, 400, []string{"lines[0].price"}},
		{"acceptTerms not a boolean", ann, map[string]any{"lines": []any{map[string]any{"bookId": book, "quantity": 1}}, "acceptTerms": "yes"}, 400, []string{"acceptTerms"}},
		{"terms not accepted", ann, map[string]any{"lines": []any{map[string]any{"bookId": book, "quantity": 1}}, "acceptTerms": false}, 422, []string{"acceptTerms"}},
		{"terms missing", ann, map[string]any{"lines": []any{map[string]any{"bookId": book, "quantity": 1}}}, 422, []string{"acceptTerms"}},
		{"no delivery address", homeless, orderBody(book, 1), 422, nil},
		{"not signed in", "", orderBody(book, 1), 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s.srv, "POST", "/api/orders", tt.token, tt.body)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", r.status, tt.status, r.body)
			}
			p := r.problem(t)
			var got []string
			for k := range p.Errors {
				got = append(got, k)
			}
			if diff := cmp.Diff(tt.fields, got, sortStrings); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s (problem %+v)", diff, p)
			}
			if tt.name == "no delivery address" && !strings.Contains(p.Detail, "no delivery address") {
				t.Errorf("detail %q does not say the address is missing", p.Detail)
			}
		})
	}
	if n := s.count(t, `SELECT count(*) FROM orders.orders`); n != 0 {
		t.Errorf("%d orders stored by refused requests", n)
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// Another customer's order does not exist, whatever they try; the status
// route is the administrators'.
func TestOrdersOfOtherCustomers(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann, bob := s.customer(t, true), s.customer(t, true)
	o := s.place(t, ann, orderBody(book, 1))
	path := "/api/orders/" + o.ID

	for _, r := range []response{
		do(t, s.srv, "GET", path, bob, nil),
		do(t, s.srv, "PUT", path+"/delivery-date", bob, map[string]string{"date": "2026-05-12"}),
		do(t, s.srv, "POST", path+"/cancel", bob, nil),
	} {
		if r.status != http.StatusNotFound {
			t.Errorf("bob: status %d, want 404 (body %s)", r.status, r.body)
		}
		if p := r.problem(t); strings.Contains(string(r.body), ann) || p.Detail != "order not found" {
			t.Errorf("bob's 404 says %q", p.Detail)
		}
	}
	for _, token := range []string{ann, bob} {
		r := do(t, s.srv, "PUT", path+"/status", token, map[string]string{"status": "dispatched"})
		if r.status != http.StatusForbidden {
			t.Errorf("a customer on the status route: %d, want 403 (body %s)", r.status, r.body)
		}
		r.problem(t)
	}
	if r := do(t, s.srv, "GET", "/api/orders?all=true", bob, nil); r.status != http.StatusForbidden {
		t.Errorf("a customer listing all orders: %d, want 403", r.status)
	}
	if list := decode[orderPageJSON](t, do(t, s.srv, "GET", "/api/orders", bob, nil), http.StatusOK); len(list.Items) != 0 {
		t.Errorf("bob lists %d orders, want none of ann's", len(list.Items))
	}
	// Nothing changed, and the administrator sees it all.
	got := decode[orderJSON](t, do(t, s.srv, "GET", path, s.admin, nil), http.StatusOK)
	if diff := cmp.Diff(o, got); diff != "" {
		t.Errorf("the order as the administrator reads it (-placed +now):\n%s", diff)
	}
	all := decode[orderPageJSON](t, do(t, s.srv, "GET", "/api/orders?all=true", s.admin, nil), http.StatusOK)
	if len(all.Items) != 1 || all.Items[0].ID != o.ID {
		t.Errorf("all orders = %+v, want ann's one", all.Items)
	}
	// The administrator may see it but not change it: only ann may.
	if r := do(t, s.srv, "POST", path+"/cancel", s.admin, nil); r.status != http.StatusNotFound {
		t.Errorf("the administrator cancelling ann's order: %d, want 404", r.status)
	}
	if r := do(t, s.srv, "GET", "/api/orders/not-an-id", ann, nil); r.status != http.StatusBadRequest || r.problem(t).Errors["id"] == "" {
		t.Errorf("malformed id: %d %s, want 400 naming id", r.status, r.body)
	}
	if r := do(t, s.srv, "GET", "/api/orders/"+uuid.Must(uuid.NewV7()).String(), s.admin, nil); r.status != http.StatusNotFound {
		t.Errorf("unknown id: %d, want 404", r.status)
	}
	if r := do(t, s.srv, "GET", "/api/orders", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous list: %d, want 401", r.status)
	}
}

// The order's life, with the clock stopped on Thursday 7 May 2026.
func TestOrderLifecycle(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann := s.customer(t, true)
	o := s.place(t, ann, orderBody(book, 1))
	path := "/api/orders/" + o.ID

	got := decode[orderJSON](t, do(t, s.srv, "PUT", path+"/delivery-date", ann, map[string]string{"date": "2026-05-09"}), http.StatusOK)
	if got.ExpectedDeliveryDate != "2026-05-09" || got.Status != "placed" {
		t.Errorf("after the change: %s, %s; want 2026-05-09, placed", got.ExpectedDeliveryDate, got.Status)
	}
	refusals := []struct {
		date   string
		status int
		field  string
	}{
		{"2026-05-08", 422, "must be at least two days after today: 2026-05-09 at the earliest"}, // tomorrow
		{"2026-05-07", 422, "must be at least two days after today: 2026-05-09 at the earliest"}, // today
		{"2026-05-10", 422, "must not be a Sunday: there are no deliveries on Sundays"},
		{"10 May 2026", 400, "must be a date such as 2024-05-31 (YYYY-MM-DD)"},
		{"2026-02-30", 400, "must be a date such as 2024-05-31 (YYYY-MM-DD)"},
	}
	for _, rf := range refusals {
		r := do(t, s.srv, "PUT", path+"/delivery-date", ann, map[string]string{"date": rf.date})
		if r.status != rf.status {
			t.Errorf("date %s: %d, want %d (body %s)", rf.date, r.status, rf.status, r.body)
			continue
		}
		if got := r.problem(t).Errors["date"]; got != rf.field {
			t.Errorf("date %s: errors.date = %q, want %q", rf.date, got, rf.field)
		}
	}

	// Dispatched: the date is fixed and the order can no longer be cancelled.
	got = decode[orderJSON](t, do(t, s.srv, "PUT", path+"/status", s.admin, map[string]string{"status": "dispatched"}), http.StatusOK)
	if got.Status != "dispatched" {
		t.Errorf("status = %s, want dispatched", got.Status)
	}
	for _, r := range []response{
		do(t, s.srv, "PUT", path+"/delivery-date", ann, map[string]string{"date": "2026-05-12"}),
		do(t, s.srv, "POST", path+"/cancel", ann, nil),
		do(t, s.srv, "PUT", path+"/status", s.admin, map[string]string{"status": "dispatched"}),
		do(t, s.srv, "PUT", path+"/status", s.admin, map[string]string{"status": "placed"}),
	} {
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("on a dispatched order: %d, want 422 (body %s)", r.status, r.body)
		}
		r.problem(t)
	}
	if r := do(t, s.srv, "PUT", path+"/status", s.admin, map[string]string{"status": "lost"}); r.status != http.StatusBadRequest {
		t.Errorf("unknown status: %d, want 400", r.status)
	}
	got = decode[orderJSON](t, do(t, s.srv, "PUT", path+"/status", s.admin, map[string]string{"status": "delivered"}), http.StatusOK)
	if got.Status != "delivered" || got.ExpectedDeliveryDate != "2026-05-09" {
		t.Errorf("delivered order: %s, %s", got.Status, got.ExpectedDeliveryDate)
	}

	// Another order, cancelled.
	o2 := s.place(t, ann, orderBody(book, 2))
	got = decode[orderJSON](t, do(t, s.srv, "POST", "/api/orders/"+o2.ID+"/cancel", ann, nil), http.StatusOK)
	if got.Status != "cancelled" {
		t.Errorf("status = %s, want cancelled", got.Status)
	}
	for _, r := range []response{
		do(t, s.srv, "POST", "/api/orders/"+o2.ID+"/cancel", ann, nil),
		do(t, s.srv, "PUT", "/api/orders/"+o2.ID+"/delivery-date", ann, map[string]string{"date": "2026-05-12"}),
		do(t, s.srv, "PUT", "/api/orders/"+o2.ID+"/status", s.admin, map[string]string{"status": "dispatched"}),
	} {
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("on a cancelled order: %d, want 422 (body %s)", r.status, r.body)
		}
	}
}

func TestListOrdersPages(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann := s.customer(t, true)
	var ids []string
	for i := range 5 {
		ids = append([]string{s.place(t, ann, orderBody(book, i+1)).ID}, ids...) // newest first
	}
	var got []string
	path := "/api/orders?pageSize=2"
	var cursors []string
	for range 5 {
		page := decode[orderPageJSON](t, do(t, s.srv, "GET", path, ann, nil), http.StatusOK)
		for _, o := range page.Items {
			got = append(got, o.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursors = append(cursors, *page.NextCursor)
		path = "/api/orders?pageSize=2&cursor=" + *page.NextCursor
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("orders over the pages (-want +got):\n%s", diff)
	}
	if len(cursors) != 2 {
		t.Errorf("%d next cursors for 5 orders by 2, want 2", len(cursors))
	}
	tampered := []byte(cursors[0])
	tampered[3] ^= 1
	for _, q := range []string{"pageSize=0", "pageSize=101", "pageSize=x", "cursor=" + string(tampered), "cursor=abc", "all=maybe",
		"all=true&cursor=" + cursors[0]} {
		r := do(t, s.srv, "GET", "/api/orders?"+q, s.admin, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("?%s: %d, want 400 (body %s)", q, r.status, r.body)
			continue
		}
		if len(r.problem(t).Errors) != 1 {
			t.Errorf("?%s: errors %s, want the one parameter named", q, r.body)
		}
	}
}

func TestPlaceOrderIdempotencyKey(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann, bob := s.customer(t, true), s.customer(t, true)
	body := orderBody(book, 2)

	first, err := s.placeWithKey(t, ann, "checkout-1", body)
	if err != nil {
		t.Fatal(err)
	}
	placed := decode[orderJSON](t, first, http.StatusCreated)
	again, err := s.placeWithKey(t, ann, "checkout-1", body)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode[orderJSON](t, again, http.StatusOK); !cmp.Equal(got, placed) {
		t.Errorf("repeat = %+v, want the first order %+v", got, placed)
	}
	other, err := s.placeWithKey(t, ann, "checkout-1", orderBody(book, 3))
	if err != nil {
		t.Fatal(err)
	}
	if other.status != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: %d, want 422 (body %s)", other.status, other.body)
	} else if p := other.problem(t); !strings.Contains(p.Detail, "idempotency key") {
		t.Errorf("detail %q does not name the idempotency key", p.Detail)
	}
	// Another customer's same key is another key.
	bobs, err := s.placeWithKey(t, bob, "checkout-1", body)
	if err != nil {
		t.Fatal(err)
	}
	if o := decode[orderJSON](t, bobs, http.StatusCreated); o.ID == placed.ID {
		t.Error("bob got ann's order")
	}
	for _, key := range []string{strings.Repeat("k", 101), "naïve"} {
		r, err := s.placeWithKey(t, ann, key, body)
		if err != nil {
			t.Fatal(err)
		}
		if r.status != http.StatusBadRequest || r.problem(t).Errors["Idempotency-Key"] == "" {
			t.Errorf("key %q: %d %s, want 400 naming Idempotency-Key", key, r.status, r.body)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM orders.orders`); n != 2 {
		t.Errorf("%d orders stored, want 2 (ann's and bob's)", n)
	}
}

// TestPlaceOrderConcurrentRepeats sends one order with one Idempotency-Key 20
// times at once: exactly one order is placed and every answer carries it.
func TestPlaceOrderConcurrentRepeats(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann := s.customer(t, true)
	const requests = 20
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		answers = make([]response, requests)
		errList = make([]error, requests)
	)
	for i := range requests {
		wg.Go(func() {
			<-start
			answers[i], errList[i] = s.placeWithKey(t, ann, "one-click", orderBody(book, 1))
		})
	}
	close(start)
	wg.Wait()
	created, repeats := 0, 0
	ids := map[string]int{}
	for i, r := range answers {
		if errList[i] != nil {
			t.Fatalf("request %d: %v", i, errList[i])
		}
		switch r.status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
			repeats++
		default:
			t.Errorf("request %d: %d %s", i, r.status, r.body)
			continue
		}
		var o orderJSON
		if err := json.Unmarshal(r.body, &o); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		ids[o.ID]++
	}
	if created != 1 || repeats != requests-1 {
		t.Errorf("%d answers 201 and %d answers 200, want 1 and %d", created, repeats, requests-1)
	}
	if len(ids) != 1 {
		t.Errorf("answers carry %d different orders, want 1: %v", len(ids), ids)
	}
	if n := s.count(t, `SELECT count(*) FROM orders.orders`); n != 1 {
		t.Errorf("%d orders stored, want 1", n)
	}
}

// When books or users fail behind the broker or the contract, placing an
// order is 503, never 500. Their tables are renamed away to make them fail.
func TestPlaceOrderWhenAnotherContextFails(t *testing.T) {
	s := newOrderShop(t)
	book := s.addBook(t, "Book", 12)
	ann := s.customer(t, true)
	ctx := context.Background()
	for _, table := range []struct{ schema, name string }{{"books", "books"}, {"users", "addresses"}} {
		t.Run(table.schema, func(t *testing.T) {
			rename := func(from, to string) {
				t.Helper()
				if _, err := s.pool.Exec(ctx, fmt.Sprintf("ALTER TABLE %s.%s RENAME TO %s", table.schema, from, to)); err != nil {
					t.Fatal(err)
				}
			}
			rename(table.name, table.name+"_away")
			r := do(t, s.srv, "POST", "/api/orders", ann, orderBody(book, 1))
			rename(table.name+"_away", table.name)
			if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
				t.Errorf("status %d, Retry-After %q; want 503 with Retry-After (body %s)", r.status, r.header.Get("Retry-After"), r.body)
			}
			if p := r.problem(t); strings.Contains(p.Detail, "relation") || strings.Contains(p.Detail, "SQL") {
				t.Errorf("the 503 leaks internals: %q", p.Detail)
			}
		})
	}
	// And once they are back, the order goes through.
	s.place(t, ann, orderBody(book, 1))
}
