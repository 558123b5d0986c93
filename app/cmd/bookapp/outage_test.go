package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"example.com/bookapp/devtools/pglocal"
)

// When the database stops, the app answers 503 problem+json fast instead of
// hanging or failing with 500, and says it is not ready; when the database
// comes back, the app recovers on its own, without a restart.
func TestDatabaseOutageFailsFastAndRecovers(t *testing.T) {
	const (
		failFastLimit = 2 * time.Second
		recoverLimit  = 5 * time.Second
	)
	ctx := context.Background()
	// A cluster of this test's own: the one testdb shares cannot be stopped.
	cluster, err := pglocal.Start(ctx, pglocal.Options{FastUnsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.Stop(context.Background()); err != nil {
			t.Errorf("stop cluster: %v", err)
		}
	})
	if err := createDatabase(ctx, cluster.URL("postgres"), "outage"); err != nil {
		t.Fatal(err)
	}
	base, stop := startApp(t, cluster.URL("outage"))
	waitReady(t, base)

	const email, password = "outage@example.com", "correct horse battery"
	token := signUp(t, base, email, "Outage", password)
	// Touch the pool so it holds open connections, which the outage kills.
	for range 3 {
		if status, body := send(t, "GET", base+"/api/users/me", token, nil); status != http.StatusOK {
			t.Fatalf("me = %d %s", status, body)
		}
	}

	if err := cluster.Pause(ctx); err != nil {
		t.Fatalf("pause the database: %v", err)
	}
	// Ask repeatedly for a second and a half: the first requests meet the
	// pool's dead connections, the later ones a server that refuses new ones.
	var slowest time.Duration
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); {
		for _, c := range []struct{ method, path, token string }{
			{"GET", "/api/users/me", token},
			{"POST", "/api/auth/login", ""},
			{"GET", "/readyz", ""},
		} {
			var body any
			if c.path == "/api/auth/login" {
				body = map[string]string{"email": email, "password": password}
			}
			start := time.Now()
			status, header, raw := sendRaw(t, c.method, base+c.path, c.token, body)
			took := time.Since(start)
			slowest = max(slowest, took)
			if status != http.StatusServiceUnavailable || header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("database down: %s %s = %d %s %s, want 503 application/problem+json",
					c.method, c.path, status, header.Get("Content-Type"), raw)
			}
			var p struct{ Status int }
			if err := json.Unmarshal(raw, &p); err != nil || p.Status != 503 {
				t.Errorf("database down: %s %s: problem %s (%v)", c.method, c.path, raw, err)
			}
			if took > failFastLimit {
				t.Errorf("database down: %s %s took %s, want at most %s", c.method, c.path, took, failFastLimit)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("database down: slowest 503 took %s", slowest)

	if err := cluster.Resume(ctx); err != nil {
		t.Fatalf("restart the database: %v", err)
	}
	resumed := time.Now()
	for {
		status, _ := send(t, "GET", base+"/api/users/me", token, nil)
		ready, _ := send(t, "GET", base+"/readyz", "", nil)
		if status == http.StatusOK && ready == http.StatusOK {
			break
		}
		if status != http.StatusServiceUnavailable && status != http.StatusOK {
			t.Fatalf("recovering: me = %d, want 503 or 200", status)
		}
		if time.Since(resumed) > recoverLimit {
			t.Fatalf("not recovered %s after the database came back: me = %d, readyz = %d", recoverLimit, status, ready)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("recovered %s after the database accepted connections again", time.Since(resumed))
	if signIn(t, base, email, password) == "" {
		t.Error("sign-in after recovery gave no token")
	}
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}

// signUp registers an account and signs it in; it returns the token.
func signUp(t testing.TB, base, email, name, password string) string {
	t.Helper()
	if status, body := send(t, "POST", base+"/api/users", "", map[string]string{
		"email": email, "name": name, "password": password}); status != http.StatusCreated {
		t.Fatalf("register = %d %s", status, body)
	}
	return signIn(t, base, email, password)
}

// signIn logs in and returns the token.
func signIn(t testing.TB, base, email, password string) string {
	t.Helper()
	status, body := send(t, "POST", base+"/api/auth/login", "", map[string]string{"email": email, "password": password})
	var tok struct{ Token string }
	if status != http.StatusOK || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("login = %d %s", status, body)
	}
	return tok.Token
}

// send sends body as JSON (unless nil) with token as bearer (unless "") and
// returns the status and body.
func send(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()
	status, _, b := sendRaw(t, method, url, token, body)
	return status, b
}

func sendRaw(t testing.TB, method, url, token string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}
