package main

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/bookapp/devtools/testdb"
)

// While PostgreSQL keeps terminating the app's connections (SQLSTATE 57P01,
// as a failover or an administrator's restart does), every route answers what
// it would answer, or 503 — never 500. This is the measurement of issue 13,
// which found 500s on seven routes before the stores shared one
// classification of database errors (pgtx.Wrap).
func TestTerminatedConnectionsAreNever500(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewEmpty(t)
	base, stop := startApp(t, url)
	waitReady(t, base)

	token := signUp(t, base, "terminate@example.com", "Terminate", "correct horse battery")
	missing := "01900000-0000-7000-8000-000000000000" // no such book or order
	routes := []struct {
		method, path, token string
		body                any
	}{
		{"GET", "/api/books", "", nil},
		{"GET", "/api/books?sort=votes&tag=fiction", "", nil},
		{"GET", "/api/tags", "", nil},
		{"GET", "/api/books/" + missing, "", nil},
		{"POST", "/api/books/" + missing + "/reviews", token, map[string]any{"numStars": 4, "comment": "Good."}},
		{"GET", "/api/users/me", token, nil},
		{"GET", "/api/orders", token, nil},
		{"GET", "/api/orders/" + missing, token, nil},
		{"POST", "/api/orders", token, map[string]any{"acceptTerms": true,
			"lines": []map[string]any{{"bookId": missing, "quantity": 1}}}},
	}

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	stopTerminating := make(chan struct{})
	var terminated int
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stopTerminating:
				return
			case <-time.After(20 * time.Millisecond):
			}
			n, err := testdb.TerminateConnections(ctx, admin)
			if err != nil {
				t.Errorf("terminate: %v", err)
				return
			}
			terminated += n
		}
	})

	answers := map[string]map[int]int{}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		for _, r := range routes {
			status, _ := send(t, r.method, base+r.path, r.token, r.body)
			key := r.method + " " + r.path
			if answers[key] == nil {
				answers[key] = map[int]int{}
			}
			answers[key][status]++
			if status >= 500 && status != http.StatusServiceUnavailable {
				t.Errorf("%s while connections are terminated = %d, want its usual answer or 503", key, status)
			}
		}
	}
	close(stopTerminating)
	wg.Wait()
	if terminated == 0 {
		t.Fatal("no connection was terminated: the test proved nothing")
	}
	var unavailable int
	for key, byStatus := range answers {
		t.Logf("%s: %v", key, byStatus)
		unavailable += byStatus[http.StatusServiceUnavailable]
	}
	t.Logf("%d connections terminated, %d answers 503", terminated, unavailable)
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}
