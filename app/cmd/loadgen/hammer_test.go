package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHammerFillsBookIDsAndCountsEveryRequest(t *testing.T) {
	api, srv := newFakeAPI(t, 2500)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"hammer", "-c", "8", "-d", "500ms", "-warmup", "100ms", "-ids", "1500",
		srv.URL + "/api/books?sort=votes&pageSize=100", srv.URL + "/api/books/{bookId}"}, &out, &errOut)
	if err != nil {
		t.Fatalf("hammer: %v\n%s%s", err, out.String(), errOut.String())
	}
	report := out.String()
	t.Log(report)
	for _, want := range []string{"1500 book ids read for {bookId}", "8 connections, 500ms measured after 100ms of warm-up",
		"(0.000 %)", "load average"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// 1,500 ids take two pages of the catalogue; then each URL was served at
	// least as often as the report counts (the warm-up is not counted).
	lists := reportedCount(t, report, "GET /api/books?sort=votes&pageSize=100")
	gets := reportedCount(t, report, "GET /api/books/{bookId}")
	if lists == 0 || gets == 0 || api.count("GET /api/books") < lists+2 || api.count("GET /api/books/{id}") < gets {
		t.Errorf("report counts %d lists and %d gets; the API served %d and %d", lists, gets,
			api.count("GET /api/books"), api.count("GET /api/books/{id}"))
	}
}

func TestHammerCountsWrongAnswersAsErrors(t *testing.T) {
	_, srv := newFakeAPI(t, 10)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"hammer", "-c", "4", "-d", "200ms", "-warmup", "0s",
		srv.URL + "/api/books/0190b1d2-0000-7000-8000-999999999999"}, &out, &errOut)
	if !errors.Is(err, errThresholds) {
		t.Fatalf("err = %v, want errThresholds\n%s", err, out.String())
	}
	if want := "GET /api/books/0190b1d2-0000-7000-8000-999999999999: status 404: Not Found: no such book"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}

func TestRunHammerKeepsConnectionsBusyAndReusesThem(t *testing.T) {
	const conns = 6
	var (
		mu       sync.Mutex
		inFlight int
		peak     int
		remotes  = map[string]bool{} // one per TCP connection
		served   int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		remotes[r.RemoteAddr] = true
		served++
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		w.Write([]byte("{}"))
	}))
	defer srv.Close()

	samples, errs, elapsed := runHammer(context.Background(), newHTTPClient(conns, 5*time.Second),
		hammerConfig{URLs: []string{srv.URL + "/a", srv.URL + "/b"}, Conns: conns, Duration: 300 * time.Millisecond}, nil)
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 0 || elapsed != 300*time.Millisecond {
		t.Errorf("errors %v, elapsed %s", errs, elapsed)
	}
	if peak != conns {
		t.Errorf("at most %d requests in flight, want %d", peak, conns)
	}
	if len(remotes) != conns {
		t.Errorf("%d TCP connections opened, want %d, each reused", len(remotes), conns)
	}
	// 6 connections × 300 ms / 10 ms: about 180 requests if they overlap.
	if len(samples) < 60 || len(samples) > served {
		t.Errorf("%d samples, %d requests served", len(samples), served)
	}
	perRoute := [2]int{}
	for _, s := range samples {
		perRoute[s.route]++
	}
	if d := perRoute[0] - perRoute[1]; d < -conns || d > conns {
		t.Errorf("requests per URL %v: want them taken in turn", perRoute)
	}
}
