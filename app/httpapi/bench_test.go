package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkPlaceOrder places orders of three books through POST /api/orders,
// one at a time, on a test server wired as serve wires the app (the outbox's
// relay delivering to books meanwhile): the whole cost of placing an order,
// which docs/performance.md compares with the same benchmark before the
// outbox.
//
//	go test -run '^$' -bench PlaceOrder -benchtime 3000x ./httpapi/
func BenchmarkPlaceOrder(b *testing.B) {
	srv, _ := newServerAt(b, nil)
	call := func(method, path, token string, body any, want int) []byte {
		j, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(j))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(resp.Body); err != nil || resp.StatusCode != want {
			b.Fatalf("%s %s: %d %s %v", method, path, resp.StatusCode, buf.Bytes(), err)
		}
		return buf.Bytes()
	}
	signIn := func(email string) string {
		var tok struct{ Token string }
		if err := json.Unmarshal(call("POST", "/api/auth/login", "", map[string]string{"email": email, "password": password}, http.StatusOK), &tok); err != nil {
			b.Fatal(err)
		}
		return tok.Token
	}
	admin := signIn(adminEmail)
	// Each order has three of the catalogue's books, in turn, so that no
	// book's row is hot (as in a shop, and unlike three books sold over and
	// over, whose rows and index entries PostgreSQL cannot clean up as fast
	// as a benchmark dirties them).
	books := make([]string, 300)
	for i := range books {
		var book struct{ ID string }
		body := map[string]any{"title": fmt.Sprintf("Book %d", i), "publishedOn": "2020-01-01", "price": 10 + i%7, "authors": []string{"A. Writer"}}
		if err := json.Unmarshal(call("POST", "/api/books", admin, body, http.StatusCreated), &book); err != nil {
			b.Fatal(err)
		}
		books[i] = book.ID
	}
	call("POST", "/api/users", "", map[string]string{"email": "bench@example.com", "name": "Bench Reader", "password": password}, http.StatusCreated)
	customer := signIn("bench@example.com")
	call("PUT", "/api/users/me/address", customer, map[string]string{"line1": "1 Book Street", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"}, http.StatusOK)
	n := 0
	for b.Loop() {
		var lines []map[string]any
		for i := range 3 {
			lines = append(lines, map[string]any{"bookId": books[(3*n+i)%len(books)], "quantity": 1 + i})
		}
		n++
		call("POST", "/api/orders", customer, map[string]any{"lines": lines, "acceptTerms": true}, http.StatusCreated)
	}
}
