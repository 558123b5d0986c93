package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestScenarioRunsEveryStepForEveryUser(t *testing.T) {
	api, srv := newFakeAPI(t, 250)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"scenario", "-url", srv.URL, "-profile", "0s:6,1s:6,0s:3,500ms:3",
		"-page-size", "40", "-pages", "3", "-pid", strconv.Itoa(os.Getpid())}, &out, &errOut)
	if err != nil {
		t.Fatalf("scenario: %v\n%s%s", err, out.String(), errOut.String())
	}
	report := out.String()
	t.Log(report)

	// Set-up: one account per user, each signed in and given an address.
	api.mu.Lock()
	users, withAddress := len(api.users), 0
	for _, u := range api.users {
		if u.Address {
			withAddress++
		}
	}
	orders := api.orders
	api.mu.Unlock()
	if users != 6 || withAddress != 6 {
		t.Errorf("%d accounts, %d with an address; want 6 and 6", users, withAddress)
	}
	for id, o := range orders {
		if o.Lines != booksInOrder {
			t.Errorf("order %s has %d lines, want %d", id, o.Lines, booksInOrder)
		}
	}

	// Every step ran, as often as the report says, and every iteration
	// that listed books (past the end of the catalogue too) went on.
	lists := api.count("GET /api/books")
	if lists < 6 {
		t.Fatalf("only %d lists of books in 1.5 s", lists)
	}
	for _, route := range []string{"GET /api/books", "GET /api/books/{id}", "POST /api/books/{id}/reviews",
		"POST /api/orders", "GET /api/orders", "GET /api/orders/{id}"} {
		served := api.count(route)
		// An iteration cut short at the end of the run is not recorded.
		if got := reportedCount(t, report, route); got > served || got < served-6 || got == 0 {
			t.Errorf("%s: report says %d requests, the API served %d", route, got, served)
		}
	}
	for _, want := range []string{"all requests", "0 of ", "(0.000 %)", "hold 6 for 1s", "hold 3 for 500ms", "app memory: peak RSS",
		"ok    error rate 0.000 % < 0.1 %", "ok    p95", "< 500 ms", "ok    p99", "< 1000 ms", "load average"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// reportedCount reads the requests column of route's line in a report.
func reportedCount(t *testing.T, report, route string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(route) + `(?:\?sort=votes)?\s+(\d+)\s`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("no line for %s in the report", route)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestScenarioFailsOnErrorsAndNamesThem(t *testing.T) {
	api, srv := newFakeAPI(t, 100)
	api.fail("POST /api/books/{id}/reviews", 500)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"scenario", "-url", srv.URL, "-profile", "0s:2,500ms:2"}, &out, &errOut)
	if !errors.Is(err, errThresholds) {
		t.Fatalf("err = %v, want errThresholds\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"FAIL  error rate", "POST /api/books/{id}/reviews: status 500: Internal Server Error: failing on purpose"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// A failed review ends the iteration: no order is placed.
	if n := api.count("POST /api/orders"); n != 0 {
		t.Errorf("%d orders placed after failed reviews, want 0", n)
	}
}

func TestScenarioStopsWhenSetupFails(t *testing.T) {
	api, srv := newFakeAPI(t, 10)
	api.fail("PUT /api/users/me/address", 400)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"scenario", "-url", srv.URL, "-profile", "smoke"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "set the address of loadgen-") || !strings.Contains(err.Error(), "status 400") {
		t.Fatalf("err = %v, want the failed set-up step", err)
	}
	if n := api.count("GET /api/books"); n != 0 {
		t.Errorf("%d lists of books after a failed set-up, want 0", n)
	}
}

func TestRunProfileFollowsTheProfile(t *testing.T) {
	p, err := parseProfile("200ms:4,400ms:4,0s:2,400ms:2")
	if err != nil {
		t.Fatal(err)
	}
	var (
		stage   atomic.Int32
		running atomic.Int32
		mu      sync.Mutex
		started = map[int]int{}    // user → times started
		stages  = map[int32]bool{} // stages seen under way
	)
	type point struct {
		at    time.Duration
		users int32
	}
	var seen []point
	begin := time.Now()
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				seen = append(seen, point{time.Since(begin), running.Load()})
				mu.Lock()
				stages[stage.Load()] = true
				mu.Unlock()
			}
		}
	}()
	elapsed := runProfile(context.Background(), p, &stage, 10*time.Millisecond, time.Second,
		func(ctx context.Context, i int, stop <-chan struct{}) {
			running.Add(1)
			mu.Lock()
			started[i]++
			mu.Unlock()
			<-stop
			running.Add(-1)
		})
	close(done)
	<-sampled

	if elapsed < time.Second || elapsed > 2*time.Second {
		t.Errorf("elapsed %s, want about 1s", elapsed)
	}
	if n := running.Load(); n != 0 {
		t.Errorf("%d users still running after the run", n)
	}
	for i := range 4 {
		if started[i] != 1 {
			t.Errorf("user %d started %d times, want once", i, started[i])
		}
	}
	if len(started) != 4 {
		t.Errorf("users started: %v, want 0..3", started)
	}
	// Inside each hold (away from its edges), exactly its users run.
	for _, pt := range seen {
		switch {
		case pt.at > 350*time.Millisecond && pt.at < 550*time.Millisecond && pt.users != 4:
			t.Errorf("%d users at %s, want 4", pt.users, pt.at)
		case pt.at > 750*time.Millisecond && pt.at < 950*time.Millisecond && pt.users != 2:
			t.Errorf("%d users at %s, want 2", pt.users, pt.at)
		}
	}
	if stages[2] {
		t.Errorf("the zero-length stage 2 was under way")
	}
	if !stages[0] || !stages[1] || !stages[3] {
		t.Errorf("stages seen under way: %v, want 0, 1 and 3", stages)
	}
}

func TestRunProfileCancelsUsersAfterTheGrace(t *testing.T) {
	p, _ := parseProfile("0s:3,50ms:3")
	var stopped atomic.Int32
	start := time.Now()
	runProfile(context.Background(), p, new(atomic.Int32), 10*time.Millisecond, 100*time.Millisecond,
		func(ctx context.Context, _ int, _ <-chan struct{}) {
			<-ctx.Done() // ignores stop: an iteration that hangs
			stopped.Add(1)
		})
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s, want about 150ms", took)
	}
	if stopped.Load() != 3 {
		t.Errorf("%d users cancelled, want 3", stopped.Load())
	}
}
