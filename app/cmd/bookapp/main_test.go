package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// env returns a getenv over vars only, so the developer's environment never
// leaks into a test.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startApp runs `bookapp serve` on a random port against databaseURL and
// returns its base URL and a function that stops it and returns run's error.
func startApp(t *testing.T, databaseURL string) (string, func() error) {
	t.Helper()
	return startAppEnv(t, map[string]string{"DATABASE_URL": databaseURL})
}

// startAppEnv is startApp with the environment vars (DATABASE_URL among
// them).
func startAppEnv(t *testing.T, vars map[string]string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-log-level", "debug"},
			env(vars), pw, pw)
		pw.Close()
	}()

	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
			t.Log(sc.Text())
		}
	}()

	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("serve returned before listening: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not log its address within 30s")
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			<-scanned // the log goroutine must not outlive the test
			return err
		case <-time.After(30 * time.Second):
			return errors.New("serve did not return within 30s of cancellation")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, stop
}

func get(t testing.TB, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func waitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, _, _ := get(t, base+"/readyz")
		if status == http.StatusOK {
			return
		}
		if status != http.StatusServiceUnavailable {
			t.Fatalf("/readyz = %d, want 503 or 200", status)
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz not 200 within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeHealthReadinessAndShutdown(t *testing.T) {
	url := testdb.NewEmpty(t)
	base, stop := startApp(t, url)
	waitReady(t, base)

	status, h, body := get(t, base+"/healthz")
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"ok"`)) {
		t.Errorf("/healthz = %d %s, want 200 ok", status, body)
	}
	if h.Get("X-Request-Id") == "" {
		t.Error("/healthz has no X-Request-Id")
	}

	status, h, body = get(t, base+"/api/no-such-route")
	if status != http.StatusNotFound || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("/api/no-such-route = %d %s, want 404 application/problem+json", status, h.Get("Content-Type"))
	}
	var p struct {
		Status    int
		Title     string
		RequestID string
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != 404 || p.Title != "Not Found" || p.RequestID != h.Get("X-Request-Id") {
		t.Errorf("problem = %s (%v), want status 404, title Not Found and the request id", body, err)
	}

	// Serving applied every context's migrations.
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, c := range contextNames {
		src := migrationsOf(c)
		var n int
		if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+src.Schema+".schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(src.Files) {
			t.Errorf("%s: %d migrations recorded, want %d", src.Schema, n, len(src.Files))
		}
	}

	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after cancellation, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestServeFailsOnUnreachableDatabase(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	err := run(context.Background(),
		[]string{"serve", "-addr", "127.0.0.1:0", "-db-wait", "300ms"},
		env(map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "database did not answer within 300ms") {
		t.Errorf("run = %v, want a database error", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("run took %s to give up", d)
	}
}

func TestMigrateCommandIsIdempotent(t *testing.T) {
	url := testdb.NewEmpty(t)
	for i, want := range []string{`"applied":`, `"applied":0`} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, env(map[string]string{"DATABASE_URL": url}), &out, &out); err != nil {
			t.Fatalf("migrate run %d: %v\n%s", i+1, err, out.String())
		}
		if !strings.Contains(out.String(), want) || (i == 0 && strings.Contains(out.String(), `"applied":0`)) {
			t.Errorf("migrate run %d logged:\n%s\nwant %s", i+1, out.String(), want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		wantErr func(error) bool
		wantOut string
	}{
		{args: nil, wantErr: isUsage, wantOut: "Usage:"},
		{args: []string{"frobnicate"}, wantErr: isUsage, wantOut: "Usage:"},
		{args: []string{"help"}, wantErr: isNil, wantOut: "Commands:"},
		{args: []string{"version"}, wantErr: isNil, wantOut: "bookapp "},
		{args: []string{"serve", "-h"}, wantErr: isHelp, wantOut: "-addr"},
		{args: []string{"migrate", "--help"}, wantErr: isHelp, wantOut: "-database-url"},
		{args: []string{"serve", "-bogus"}, wantErr: isUsage, wantOut: "flag provided but not defined"},
		{args: []string{"serve", "extra"}, wantErr: isUsage},
		{args: []string{"serve"}, env: map[string]string{"BOOKAPP_LOG_LEVEL": "loud"}, wantErr: isUsage},
		{args: []string{"migrate", "-database-url", "postgres://%zz"}, wantErr: isUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tt.args, env(tt.env), &out, &out)
			if !tt.wantErr(err) {
				t.Errorf("run error = %v (%T)", err, err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q does not contain %q", out.String(), tt.wantOut)
			}
		})
	}
}

func isNil(err error) bool   { return err == nil }
func isHelp(err error) bool  { return errors.Is(err, flag.ErrHelp) }
func isUsage(err error) bool { return errors.As(err, new(usageError)) }
