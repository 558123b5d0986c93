package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders"
	"example.com/bookapp/users"
)

// eventually polls check until it returns "" (nothing wrong) or 10 s pass,
// then fails with its last complaint: orders' events reach books a few
// milliseconds after the commit, not in the same request.
func eventually(t *testing.T, check func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		wrong := check()
		if wrong == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %s", wrong)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bestsellers returns the titles of the first page of the bestsellers sort,
// with the query's other parameters.
func (s *orderShop) bestsellers(t *testing.T, more string) []string {
	t.Helper()
	page := decode[bookPageJSON](t, do(t, s.srv, "GET", "/api/books?sort=bestsellers"+more, "", nil), http.StatusOK)
	titles := []string{}
	for _, b := range page.Items {
		titles = append(titles, b.Title)
	}
	return titles
}

// Orders placed and cancelled through the API move the bestsellers sort and
// the verified purchases of reviews, through orders' events alone.
func TestBestsellersAndVerifiedPurchasesFollowOrders(t *testing.T) {
	t.Parallel()
	s := newOrderShop(t)
	alpha, bravo := s.addBook(t, "Alpha", 10), s.addBook(t, "Bravo", 12)
	s.addBook(t, "Charlie", 14)
	ann, bob := s.customer(t, true), s.customer(t, true)
	s.place(t, ann, orderBody(alpha, 3, bravo, 1))
	bobs := s.place(t, bob, orderBody(bravo, 5))

	// Bravo 6, Alpha 3, Charlie 0; ties by id, newest first.
	eventually(t, func() string {
		if got, want := s.bestsellers(t, ""), []string{"Bravo", "Alpha", "Charlie"}; !gocmp.Equal(got, want) {
			return fmt.Sprintf("bestsellers %v, want %v", got, want)
		}
		return ""
	})
	if got := s.bestsellers(t, "&pageSize=1&year=2020"); !gocmp.Equal(got, []string{"Bravo"}) {
		t.Errorf("the first bestseller of 2020: %v, want [Bravo]", got)
	}

	review := func(token, book string) reviewJSON {
		return decode[reviewJSON](t, do(t, s.srv, "POST", "/api/books/"+book+"/reviews", token, map[string]any{"numStars": 4}), http.StatusCreated)
	}
	if r := review(ann, alpha); !r.VerifiedPurchase {
		t.Errorf("ann's review of Alpha, which she bought: verifiedPurchase false")
	}
	if r := review(bob, alpha); r.VerifiedPurchase {
		t.Errorf("bob's review of Alpha, which he did not buy: verifiedPurchase true")
	}

	// Bob cancels: his copies leave the count, and his purchase of Bravo
	// is no longer verified.
	if r := do(t, s.srv, "POST", "/api/orders/"+bobs.ID+"/cancel", bob, nil); r.status != http.StatusOK {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	eventually(t, func() string {
		if got, want := s.bestsellers(t, ""), []string{"Alpha", "Bravo", "Charlie"}; !gocmp.Equal(got, want) {
			return fmt.Sprintf("bestsellers after the cancellation %v, want %v", got, want)
		}
		return ""
	})
	if r := review(bob, bravo); r.VerifiedPurchase {
		t.Errorf("bob's review of Bravo after cancelling his order: verifiedPurchase true")
	}
	detail := decode[bookJSON](t, do(t, s.srv, "GET", "/api/books/"+alpha, "", nil), http.StatusOK)
	if len(detail.Reviews) != 2 || detail.Reviews[0].VerifiedPurchase || !detail.Reviews[1].VerifiedPurchase {
		t.Errorf("Alpha's reviews, newest first: %+v; want bob's unverified, then ann's verified", detail.Reviews)
	}
	// The book's page shows it too.
	page := do(t, s.srv, "GET", "/books/"+alpha, "", nil)
	if page.status != http.StatusOK || strings.Count(string(page.body), "Verified purchase") != 1 {
		t.Errorf("Alpha's page: %d, %d verified purchases shown, want 1", page.status, strings.Count(string(page.body), "Verified purchase"))
	}
}

// Customers placing and cancelling orders of the same books at once: when
// every event is delivered, each book's copies sold is exactly the copies
// of its orders that were not cancelled, on the book and on its tag rows.
func TestConcurrentOrdersAndCancellationsKeepSoldCountsExact(t *testing.T) {
	t.Parallel()
	s := newOrderShop(t)
	books := []string{s.addBook(t, "Alpha", 10), s.addBook(t, "Bravo", 12), s.addBook(t, "Charlie", 14)}
	const customers, ordersEach = 6, 8
	tokens := make([]string, customers)
	for i := range tokens {
		tokens[i] = s.customer(t, true)
	}
	var wg sync.WaitGroup
	for c, token := range tokens {
		wg.Go(func() {
			for n := range ordersEach {
				// Every customer orders all three books, in a rotating order
				// and quantity; every third order is cancelled at once.
				body := orderBody(books[(c+n)%3], 1+n%4, books[(c+n+1)%3], 2, books[(c+n+2)%3], 1+c%3)
				r := do(t, s.srv, "POST", "/api/orders", token, body)
				if r.status != http.StatusCreated {
					t.Errorf("place: %d %s", r.status, r.body)
					return
				}
				if n%3 == 0 {
					id := decode[orderJSON](t, r, http.StatusCreated).ID
					if r := do(t, s.srv, "POST", "/api/orders/"+id+"/cancel", token, nil); r.status != http.StatusOK {
						t.Errorf("cancel: %d %s", r.status, r.body)
					}
				}
			}
		})
	}
	wg.Wait()
	eventually(t, func() string {
		if n := s.count(t, `SELECT count(*) FROM orders.outbox_deliveries WHERE delivered_at IS NULL`); n != 0 {
			return fmt.Sprintf("%d deliveries pending", n)
		}
		return ""
	})
	// The orders' own record against the books' exact count (the test may
	// read both schemas; the contexts never do), once every event is
	// delivered; and against the book list's copy of it, once listed.
	differ := func(count string) int {
		return s.count(t, `
			SELECT count(*) FROM books.books b
			WHERE `+count+` IS DISTINCT FROM (
				SELECT coalesce(sum(l.quantity), 0)::integer FROM orders.line_items l JOIN orders.orders o ON o.id = l.order_id
				WHERE l.book_id = b.id AND o.status <> 'cancelled')`)
	}
	if n := differ(`coalesce((SELECT copies_sold FROM books.sales WHERE book_id = b.id), 0)`); n != 0 {
		t.Errorf("%d books whose copies sold differ from their orders' quantities", n)
	}
	eventually(t, func() string {
		if n := differ(`b.copies_sold`); n != 0 {
			return fmt.Sprintf("%d books whose listed copies sold differ from their orders' quantities", n)
		}
		if n := s.count(t, `SELECT count(*) FROM books.book_tags t JOIN books.books b ON b.id = t.book_id WHERE t.copies_sold <> b.copies_sold`); n != 0 {
			return fmt.Sprintf("%d tag rows whose copy of the copies sold differs from their book's", n)
		}
		return ""
	})
	if n := s.count(t, `SELECT sum(copies_sold) FROM books.books`); n == 0 {
		t.Error("no copies sold at all")
	}
	if n := s.count(t, `SELECT count(*) FROM books.inbox`); n != customers*ordersEach+customers*((ordersEach+2)/3) {
		t.Errorf("%d events in books' inbox, want one per order placed and one per cancellation", n)
	}
}

// Background work has connections of its own: with every connection of the
// request pool taken (as requests take them under load), an order's event
// still reaches books. Were the relays or books' consumer on the request
// pool, the event would wait until a connection came free.
func TestEventsFlowWhileRequestsHoldEveryConnection(t *testing.T) {
	t.Parallel()
	a := wireApp(t, testdb.New(t, users.Migrations(), books.Migrations(), orders.Migrations()), func() time.Time { return orderNow })
	s := &orderShop{srv: a.srv, pool: a.pool, admin: login(t, a.srv, adminEmail)}
	book := s.addBook(t, "Alpha", 10)
	s.place(t, s.customer(t, true), orderBody(book, 2)) // its event waits: no relay runs yet

	ctx := context.Background()
	var held []*pgxpool.Conn
	for range a.pool.Config().MaxConns {
		c, err := a.pool.Acquire(ctx)
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Release()
		}
	}()
	if n := a.pool.Stat().IdleConns(); n != 0 {
		t.Fatalf("%d request connections still idle", n)
	}
	a.relay(t)
	eventually(t, func() string {
		var sold int
		if err := a.background.QueryRow(ctx, "SELECT copies_sold FROM books.books WHERE id = $1", book).Scan(&sold); err != nil {
			return err.Error()
		}
		if sold != 2 {
			return fmt.Sprintf("copies sold %d, want 2", sold)
		}
		return ""
	})
}
