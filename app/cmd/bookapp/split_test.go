package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"example.com/bookapp/devtools/natslocal"
	"example.com/bookapp/devtools/testdb"
)

// The administrator every deployment of these tests has.
const (
	splitAdmin    = "admin@example.com"
	splitPassword = "admin password 1"
)

// A deployment is bookapp in some shape: where each context's routes are
// served (the same base for all in one process).
type deployment struct {
	users, books, orders string
	procs                map[string]*process // by the contexts it runs, "books"
	start                func(contexts string) *process
}

// onePprocess is the monolith: one process, one database.
func oneProcess(t testing.TB, bin string) *deployment {
	t.Helper()
	url := testdb.NewEmpty(t)
	p := launchEnv(t, bin, []string{"DATABASE_URL=" + url, "BOOKAPP_ADMIN_EMAIL=" + splitAdmin, "BOOKAPP_ADMIN_PASSWORD=" + splitPassword})
	p.waitListening(t)
	p.waitReady(t)
	return &deployment{users: p.base, books: p.base, orders: p.base, procs: map[string]*process{"books,orders,users": p}}
}

// split runs each context in a process of its own over an embedded NATS
// server, on one database or on a database each.
func split(t testing.TB, bin string, databases int) *deployment {
	t.Helper()
	nats := natslocal.New(t)
	urls := map[string]string{}
	shared := ""
	if databases == 1 {
		shared = testdb.NewEmpty(t)
	}
	for _, c := range contextNames {
		if urls[c] = shared; shared == "" {
			urls[c] = testdb.NewEmpty(t)
		}
	}
	d := &deployment{procs: map[string]*process{}}
	d.start = func(contexts string) *process {
		env := []string{"BOOKAPP_NATS_URL=" + nats.URL(), "BOOKAPP_ADMIN_EMAIL=" + splitAdmin, "BOOKAPP_ADMIN_PASSWORD=" + splitPassword}
		for _, c := range strings.Split(contexts, ",") {
			env = append(env, "BOOKAPP_"+strings.ToUpper(c)+"_DATABASE_URL="+urls[c])
		}
		return launchEnv(t, bin, env, "-contexts", contexts)
	}
	// All three at once: each waits for the others' handlers to answer.
	for _, c := range contextNames {
		d.procs[c] = d.start(c)
	}
	for _, c := range contextNames {
		d.procs[c].waitListening(t)
	}
	for _, c := range contextNames {
		d.procs[c].waitReady(t)
	}
	d.users, d.books, d.orders = d.procs["users"].base, d.procs["books"].base, d.procs["orders"].base
	return d
}

// The end-to-end story of placing and reading orders, in three shapes: the
// same answers whether the contexts share a process or not.
func TestOrdersInEveryShape(t *testing.T) {
	bin := buildApp(t)
	for _, shape := range []struct {
		name string
		up   func(*testing.T) *deployment
	}{
		{"one process", func(t *testing.T) *deployment { return oneProcess(t, bin) }},
		{"three processes over NATS, one database", func(t *testing.T) *deployment { return split(t, bin, 1) }},
		{"three processes over NATS, three databases", func(t *testing.T) *deployment { return split(t, bin, 3) }},
	} {
		t.Run(shape.name, func(t *testing.T) {
			t.Parallel()
			ordersStory(t, shape.up(t))
		})
	}
}

// ordersStory places and reads orders through the deployment's API.
func ordersStory(t *testing.T, d *deployment) {
	admin := signIn(t, d.users, splitAdmin, splitPassword)
	book := addBook(t, d.books, admin, "Dune", 12.5)
	ann := signUp(t, d.users, "ann@example.com", "Ann", "correct horse battery")
	bob := signUp(t, d.users, "bob@example.com", "Bob", "correct horse battery")
	if status, body := send(t, "PUT", d.users+"/api/users/me/address", ann, map[string]string{
		"line1": "1 Main St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}); status != http.StatusOK {
		t.Fatalf("set address = %d %s", status, body)
	}

	// A placed order carries books' title and price and users' address,
	// asked across the processes.
	status, body := send(t, "POST", d.orders+"/api/orders", ann, orderOf(book, 2))
	var o orderReply
	if status != http.StatusCreated || json.Unmarshal(body, &o) != nil {
		t.Fatalf("place = %d %s", status, body)
	}
	if len(o.Lines) != 1 || o.Lines[0].Title != "Dune" || o.Total != 25 || o.DeliveryAddress.City != "Leeds" {
		t.Errorf("order %s, want 2 × Dune = 25.00 to Leeds", body)
	}
	status, body = send(t, "GET", d.orders+"/api/orders", ann, nil)
	if status != http.StatusOK || !strings.Contains(string(body), o.ID) {
		t.Errorf("GET /api/orders = %d %s, want it to list %s", status, body, o.ID)
	}

	// Orders' events reach books, in the same process or through
	// JetStream: Dune, with the copies sold, comes before Emma, which is
	// newer (the tie-break) and sold none; Ann's review of Dune is a
	// verified purchase. Cancelled, the copies leave the count.
	addBook(t, d.books, admin, "Emma", 9)
	waitFor(t, 10*time.Second, "Dune first among the bestsellers", func() bool {
		return bestsellers(t, d.books) == "Dune,Emma"
	})
	status, body = send(t, "POST", d.books+"/api/books/"+book+"/reviews", ann, map[string]any{"numStars": 5})
	if status != http.StatusCreated || !strings.Contains(string(body), `"verifiedPurchase":true`) {
		t.Errorf("Ann's review of the book she bought = %d %s, want a verified purchase", status, body)
	}
	if status, body := send(t, "POST", d.orders+"/api/orders/"+o.ID+"/cancel", ann, nil); status != http.StatusOK {
		t.Fatalf("cancel = %d %s", status, body)
	}
	waitFor(t, 10*time.Second, "Emma first once Dune's order is cancelled", func() bool {
		return bestsellers(t, d.books) == "Emma,Dune"
	})
	if p := d.procs["books"]; p != nil { // split: books' process reports what it has not applied
		waitFor(t, 10*time.Second, "books' metrics to show no event pending", func() bool {
			_, _, body := get(t, p.base+"/metrics")
			return strings.Contains(string(body), `bookapp_bus_events_pending{consumer="books.sales"} 0`)
		})
	}

	// Books' and users' refusals become orders' own 422s, as in one process.
	missing := "01900000-0000-7000-8000-000000000000"
	if status, body := send(t, "POST", d.orders+"/api/orders", ann, orderOf(missing, 1)); status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "lines[0].bookId") {
		t.Errorf("an unknown book = %d %s, want 422 naming lines[0].bookId", status, body)
	}
	if status, body := send(t, "POST", d.orders+"/api/orders", bob, orderOf(book, 1)); status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "address") {
		t.Errorf("no delivery address = %d %s, want 422 about the address", status, body)
	}
	// A token users does not know is refused by the orders process too.
	if status, _ := send(t, "GET", d.orders+"/api/orders", "not-a-token", nil); status != http.StatusUnauthorized {
		t.Errorf("a bad token on orders = %d, want 401", status)
	}
}

// bestsellers returns the titles of the bestsellers sort, comma-separated.
func bestsellers(t *testing.T, base string) string {
	t.Helper()
	status, body := send(t, "GET", base+"/api/books?sort=bestsellers", "", nil)
	var page struct{ Items []struct{ Title string } }
	if status != http.StatusOK || json.Unmarshal(body, &page) != nil {
		t.Fatalf("bestsellers = %d %s", status, body)
	}
	var titles []string
	for _, b := range page.Items {
		titles = append(titles, b.Title)
	}
	return strings.Join(titles, ",")
}

type orderReply struct {
	ID    string
	Total float64
	Lines []struct {
		Title    string
		Quantity int
	}
	DeliveryAddress struct{ City string }
}

func orderOf(book string, quantity int) map[string]any {
	return map[string]any{"acceptTerms": true, "lines": []map[string]any{{"bookId": book, "quantity": quantity}}}
}

// addBook adds a book as the administrator and returns its id.
func addBook(t testing.TB, base, admin, title string, price float64) string {
	t.Helper()
	status, body := send(t, "POST", base+"/api/books", admin, map[string]any{
		"title": title, "publishedOn": "2020-01-01", "price": price, "authors": []string{"A. Writer"}})
	var b struct{ ID string }
	if status != http.StatusCreated || json.Unmarshal(body, &b) != nil {
		t.Fatalf("add book = %d %s", status, body)
	}
	return b.ID
}

// With the books process stopped, placing an order answers 503 at once —
// never a 500 or a hang; once books is back, orders serves again without a
// restart.
func TestBooksProcessAway(t *testing.T) {
	d := split(t, buildApp(t), 1)
	admin := signIn(t, d.users, splitAdmin, splitPassword)
	book := addBook(t, d.books, admin, "Dune", 10)
	ann := signUp(t, d.users, "ann@example.com", "Ann", "correct horse battery")
	send(t, "PUT", d.users+"/api/users/me/address", ann, map[string]string{
		"line1": "1 Main St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"})

	if err := d.procs["books"].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := d.procs["books"].wait(t, 30*time.Second); code != 0 {
		t.Fatalf("books exited %d after SIGTERM", code)
	}
	start := time.Now()
	status, body := send(t, "POST", d.orders+"/api/orders", ann, orderOf(book, 1))
	if took := time.Since(start); status != http.StatusServiceUnavailable || took > 2*time.Second {
		t.Errorf("placing an order with books away = %d after %s (%s), want 503 at once", status, took, body)
	}

	again := d.start("books")
	again.waitListening(t)
	again.waitReady(t)
	if status, body := send(t, "POST", d.orders+"/api/orders", ann, orderOf(book, 1)); status != http.StatusCreated {
		t.Errorf("placing an order once books is back = %d %s, want 201", status, body)
	}
}

// Two instances of books share orders' asks; killing one under load fails
// at most the orders in flight at the kill, and those succeed when retried
// with their idempotency key, creating no second order.
func TestBooksInstancesShareTheLoad(t *testing.T) {
	d := split(t, buildApp(t), 1)
	second := d.start("books")
	second.waitListening(t)
	second.waitReady(t)
	admin := signIn(t, d.users, splitAdmin, splitPassword)
	book := addBook(t, d.books, admin, "Dune", 10)
	ann := signUp(t, d.users, "ann@example.com", "Ann", "correct horse battery")
	send(t, "PUT", d.users+"/api/users/me/address", ann, map[string]string{
		"line1": "1 Main St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"})

	const clients = 8
	var (
		placed, killedAt atomic.Int64
		mu               sync.Mutex
		failed           []string // idempotency keys of the orders that failed
		wg               sync.WaitGroup
	)
	stop := make(chan struct{})
	for c := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("client-%d-order-%d", c, i)
				status, _ := placeWithKey(t, d.orders, ann, key, book)
				switch status {
				case http.StatusCreated:
					placed.Add(1)
				default:
					mu.Lock()
					failed = append(failed, key)
					mu.Unlock()
				}
			}
		})
	}
	waitFor(t, 30*time.Second, "100 orders placed", func() bool { return placed.Load() >= 100 })
	first, other := servedAsks(t, d.procs["books"]), servedAsks(t, second)
	if first == 0 || other == 0 {
		t.Errorf("asks answered by the two books instances: %d and %d, want both to share them", first, other)
	}
	killedAt.Store(placed.Load())
	if err := second.cmd.Process.Kill(); err != nil { // kill -9, mid-load
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "100 more orders placed", func() bool { return placed.Load() >= killedAt.Load()+100 })
	close(stop)
	wg.Wait()
	if len(failed) > clients {
		t.Errorf("%d orders failed, want at most the %d in flight at the kill", len(failed), clients)
	}
	for _, key := range failed {
		if status, body := placeWithKey(t, d.orders, ann, key, book); status != http.StatusCreated {
			t.Errorf("retrying %s = %d %s, want 201", key, status, body)
		}
	}
	if n := servedAsks(t, d.procs["books"]); n <= first {
		t.Errorf("the remaining books instance answered %d asks in all, no more than the %d before the kill", n, first)
	}
	t.Logf("asks before the kill: %d and %d; %d orders placed, %d failed at the kill and succeeded when retried",
		first, other, placed.Load(), len(failed))
}

// placeWithKey places an order of one copy of book with an idempotency key.
func placeWithKey(t testing.TB, base, token, key, book string) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(orderOf(book, 1))
	req, err := http.NewRequest("POST", base+"/api/orders", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// servedAsks reads how many asks a process answered for others, from its
// /metrics (bookapp_bus_served_total).
func servedAsks(t *testing.T, p *process) int {
	t.Helper()
	status, _, body := get(t, p.base+"/metrics")
	if status != http.StatusOK {
		return 0
	}
	n := 0
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(line, `bookapp_bus_served_total{name="books.for-order"} `); ok {
			fmt.Sscan(v, &n)
		}
	}
	return n
}

// An unreachable or malformed BOOKAPP_NATS_URL stops start-up within the
// wait with a clear message and a non-zero exit.
func TestBadNATSURL(t *testing.T) {
	bin := buildApp(t)
	url := testdb.NewEmpty(t)
	for _, c := range []struct{ nats, want string }{
		{"nats://127.0.0.1:1", "NATS at nats://127.0.0.1:1 did not answer within 2s"},
		{"nats://user:secret@127.0.0.1:1", "did not answer within 2s"},
		{"not a url at all", "did not answer within 2s"},
	} {
		start := time.Now()
		p := launchEnv(t, bin, []string{"BOOKAPP_ORDERS_DATABASE_URL=" + url, "BOOKAPP_NATS_URL=" + c.nats}, "-contexts", "orders", "-db-wait", "2s")
		code := p.wait(t, 30*time.Second)
		out := p.log.String()
		if code == 0 || !strings.Contains(out, c.want) || strings.Contains(out, "secret") {
			t.Errorf("BOOKAPP_NATS_URL=%q: exit %d, output:\n%s\nwant a non-zero exit saying %q, no password", c.nats, code, out, c.want)
		}
		if took := time.Since(start); took > 15*time.Second {
			t.Errorf("BOOKAPP_NATS_URL=%q: gave up after %s, want about the 2s wait", c.nats, took)
		}
	}
}

// A sign-out in the users process takes effect in the others within the
// remote authenticator's five seconds.
func TestSignOutReachesOtherProcesses(t *testing.T) {
	d := split(t, buildApp(t), 1)
	ann := signUp(t, d.users, "ann@example.com", "Ann", "correct horse battery")
	if status, body := send(t, "GET", d.orders+"/api/orders", ann, nil); status != http.StatusOK {
		t.Fatalf("orders with Ann's token = %d %s", status, body)
	}
	if status, body := send(t, "POST", d.users+"/api/auth/logout", ann, nil); status != http.StatusNoContent {
		t.Fatalf("logout = %d %s", status, body)
	}
	out := time.Now()
	if status, _ := send(t, "GET", d.users+"/api/users/me", ann, nil); status != http.StatusUnauthorized {
		t.Errorf("users after the sign-out = %d, want 401 at once", status)
	}
	waitFor(t, 10*time.Second, "orders to refuse the signed-out token", func() bool {
		status, _ := send(t, "GET", d.orders+"/api/orders", ann, nil)
		return status == http.StatusUnauthorized
	})
	if took := time.Since(out); took > 5500*time.Millisecond {
		t.Errorf("orders accepted the token %s after the sign-out, want at most 5 s", took)
	}
}
