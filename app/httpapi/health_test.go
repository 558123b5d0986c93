package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/bookapp/app/httpapi"
)

// While start-up runs, the process is healthy but not ready, and every other
// route says so.
func TestStartingAnswersHealthyButNotReady(t *testing.T) {
	srv := httptest.NewServer(httpapi.Starting(slog.New(slog.DiscardHandler)))
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 503, "/api/users/me": 503} {
		r := do(t, srv, "GET", path, "", nil)
		if r.status != want {
			t.Errorf("GET %s = %d, want %d", path, r.status, want)
		}
		if want == 503 {
			r.problem(t)
			if r.header.Get("Retry-After") == "" {
				t.Errorf("GET %s: 503 without Retry-After", path)
			}
		}
	}
}

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }
func (pinger) Reset()                       {}

// Once started, readiness follows the database.
func TestReadyFollowsTheDatabase(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{{nil, 200}, {errors.New("connection refused"), 503}} {
		srv := httptest.NewServer(httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), DB: pinger{tt.err}}))
		r := do(t, srv, "GET", "/readyz", "", nil)
		srv.Close()
		if r.status != tt.want {
			t.Errorf("ping error %v: /readyz = %d, want %d", tt.err, r.status, tt.want)
		}
		if tt.want == http.StatusServiceUnavailable {
			if p := r.problem(t); p.Detail == "" {
				t.Error("503 problem without detail")
			}
		}
	}
}
