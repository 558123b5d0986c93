package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/bookapp/devtools/testdb"
)

// The process dies by SIGKILL after orders were committed and while their
// events were being delivered: every delivery was claimed or waiting, none
// was made. A new process delivers each event once per effect: every book's
// copies sold are its orders' quantities, to the copy, and books' inbox
// holds each event once.
func testKillBetweenCommitAndDelivery(t *testing.T, bin string) {
	const (
		adminEmail, password = "admin@example.com", "correct horse battery"
		orders               = 20
	)
	ctx := context.Background()
	url := testdb.NewEmpty(t)
	env := []string{"DATABASE_URL=" + url, "BOOKAPP_ADMIN_EMAIL=" + adminEmail, "BOOKAPP_ADMIN_PASSWORD=" + password}
	// A lease of a second: the deliveries the dead process had claimed are
	// taken over a second after it claimed them, not a minute.
	first := launchEnv(t, bin, env, "-events-lease", "1s")
	first.waitListening(t)
	first.waitReady(t)

	admin := signIn(t, first.base, adminEmail, password)
	books := make([]string, 3)
	for i := range books {
		status, body := send(t, "POST", first.base+"/api/books", admin, map[string]any{
			"title": fmt.Sprintf("Book %d", i), "publishedOn": "2020-01-01", "price": 10, "authors": []string{"A. Writer"}})
		var b struct{ ID string }
		if status != http.StatusCreated || json.Unmarshal(body, &b) != nil {
			t.Fatalf("add book: %d %s", status, body)
		}
		books[i] = b.ID
	}
	customer := signUp(t, first.base, "crash@example.com", "Crash Test", password)
	if status, body := send(t, "PUT", first.base+"/api/users/me/address", customer, map[string]string{
		"line1": "1 Book Street", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}); status != http.StatusOK {
		t.Fatalf("set address: %d %s", status, body)
	}

	// A lock on books.purchases stops every delivery inside its
	// transaction, after the relay claimed it and before its effect commits.
	locker, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	lock, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(ctx, "LOCK TABLE books.purchases IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for n := range orders {
		var lines []map[string]any
		for i, b := range books {
			q := 1 + (n+i)%4
			lines = append(lines, map[string]any{"bookId": b, "quantity": q})
			want[b] += q
		}
		if status, body := send(t, "POST", first.base+"/api/orders", customer, map[string]any{"lines": lines, "acceptTerms": true}); status != http.StatusCreated {
			t.Fatalf("place order: %d %s", status, body)
		}
	}
	waitFor(t, 10*time.Second, "the relay to claim deliveries", func() bool {
		return countRows(t, url, "SELECT count(*) FROM orders.outbox_deliveries WHERE next_at > now() AND delivered_at IS NULL") > 0
	})
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait(t, 10*time.Second)
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, url, "SELECT count(*) FROM orders.outbox_deliveries WHERE delivered_at IS NULL"); n != orders {
		t.Fatalf("%d deliveries undelivered after the kill, want all %d", n, orders)
	}
	if n := countRows(t, url, "SELECT count(*) FROM books.inbox"); n != 0 {
		t.Fatalf("%d events in books' inbox after the kill, want 0: no effect could commit", n)
	}

	second := launchEnv(t, bin, env, "-events-lease", "1s")
	second.waitListening(t)
	second.waitReady(t)
	waitFor(t, 30*time.Second, "every event to be delivered after the restart", func() bool {
		return countRows(t, url, "SELECT count(*) FROM orders.outbox_deliveries WHERE delivered_at IS NULL") == 0
	})
	for _, b := range books {
		if n := countRows(t, url, "SELECT copies_sold FROM books.sales WHERE book_id = '"+b+"'"); n != want[b] {
			t.Errorf("book %s: %d copies sold, want %d", b, n, want[b])
		}
	}
	waitFor(t, 10*time.Second, "the book list to show the copies sold", func() bool {
		for _, b := range books {
			if countRows(t, url, "SELECT copies_sold FROM books.books WHERE id = '"+b+"'") != want[b] {
				return false
			}
		}
		return true
	})
	if n := countRows(t, url, "SELECT count(*) FROM books.inbox"); n != orders {
		t.Errorf("%d events in books' inbox, want %d", n, orders)
	}
}
