// Package httpapi is bookapp's HTTP front end: the one router, its middleware,
// the operational endpoints and the problem+json error shape. Each context's
// handlers will live in a folder of their own beside it and stay thin: decode
// and validate, call a service, encode.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/bookapp/app/httpapi/usersapi"
	"example.com/bookapp/app/web"
	usersservice "example.com/bookapp/users/service"
)

// A Pinger answers whether the database is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is everything the API needs, built by the app's wiring.
type Deps struct {
	Log   *slog.Logger
	DB    Pinger
	Users *usersservice.Service
}

// New returns the API's router, for an app whose start-up (database,
// migrations, contexts) is done.
func New(d Deps) http.Handler {
	r := newRouter(d.Log)
	r.Get("/readyz", readyz(d.DB))
	r.Group(func(r chi.Router) {
		r.Use(web.Authenticate(d.Users, d.Log))
		usersapi.Routes(r, d.Users, d.Log)
	})
	return r
}

// Starting returns the router served while start-up is still under way:
// /healthz answers, /readyz and everything else get 503 with Retry-After.
func Starting(log *slog.Logger) http.Handler {
	r := newRouter(log)
	starting := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		web.WriteProblem(w, r, web.Problem{Status: http.StatusServiceUnavailable,
			Detail: "The service is starting: connecting to the database and applying migrations."})
	}
	r.Get("/readyz", starting)
	r.NotFound(starting)
	r.MethodNotAllowed(starting)
	return r
}

// newRouter builds the routes both phases share.
func newRouter(log *slog.Logger) *chi.Mux {
	r := chi.NewRouter()
	r.Use(web.WithRequestID, logRequests(log), recoverPanics(log))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		web.WriteProblem(w, r, web.Problem{Status: http.StatusNotFound, Detail: "No such resource."})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		web.WriteProblem(w, r, web.Problem{Status: http.StatusMethodNotAllowed,
			Detail: "The resource does not support the " + r.Method + " method."})
	})
	r.Get("/healthz", healthz)
	return r
}

// healthz answers 200 while the process is up.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 when the database answers within a second, else 503.
func readyz(db Pinger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			w.Header().Set("Retry-After", "1")
			web.WriteProblem(w, r, web.Problem{Status: http.StatusServiceUnavailable,
				Detail: "The database does not answer."})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"status":"ready"}` + "\n"))
	}
}
