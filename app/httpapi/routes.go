// Package httpapi is bookapp's HTTP front end: the one router, its
// middleware (request ids, authentication, access log, panics, deadlines,
// metrics), the operational endpoints and the merged OpenAPI document. The
// endpoints of the API are the contexts': each context's setup package
// mounts its own routes (Routes), written in its httpapi layer on net/http
// and shared/web, so a context that leaves the process takes its wire
// contract with it.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/bookapp/books"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/pgtx"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
	"example.com/bookapp/users"
)

// A Pinger answers whether the database is reachable: *pgxpool.Pool.
type Pinger interface {
	Ping(ctx context.Context) error
	pgtx.Resetter
}

// Deps is everything the API needs, built by the app's wiring.
type Deps struct {
	Log *slog.Logger
	DB  Pinger
	// Users, Books and Orders are the contexts, wired; each mounts its own
	// routes. A nil context is not mounted: a process that runs only some
	// (serve -contexts), or a test that needs only some.
	Users  *users.Module
	Books  *books.Module
	Orders *orders.Module
	// Authenticator resolves the bearer token or session cookie of every
	// request; nil means Users' (a process without users passes
	// users.RemoteAuthenticator). With neither, no context is mounted.
	Authenticator web.Authenticator

	// Metrics counts and times every request and serves GET /metrics; nil
	// gives the API metrics of its own, without pool statistics.
	Metrics *Metrics
	// RequestTimeout bounds each request's context, and with it the
	// database work done for the request; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// SecureCookies marks the session cookie Secure (and __Host-) on every
	// request, for an app behind a proxy that terminates TLS; over TLS
	// served by the app itself it is Secure anyway.
	SecureCookies bool
}

// DefaultRequestTimeout is how long a request may work before its context
// ends and its database calls give up (503).
const DefaultRequestTimeout = 10 * time.Second

// New returns the API's router, for an app whose start-up (database,
// migrations, contexts) is done.
func New(d Deps) http.Handler {
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.RequestTimeout <= 0 {
		d.RequestTimeout = DefaultRequestTimeout
	}
	r := newRouter(d.Log, d.Metrics, d.RequestTimeout)
	r.Get("/readyz", readyz(d.DB))
	r.Method(http.MethodGet, "/metrics", d.Metrics.Handler())
	authn := d.Authenticator
	if authn == nil && d.Users != nil {
		authn = d.Users.Authenticator()
	}
	if authn == nil {
		return r
	}
	r.Group(func(r chi.Router) {
		// The cross-origin check comes before anything that accepts the
		// session cookie: a state change (any method but GET, HEAD and
		// OPTIONS) that a browser says comes from another site is refused
		// with 403, whatever it carries.
		cop := http.NewCrossOriginProtection()
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(d.Log)(w, r, errCrossOrigin)
		}))
		r.Use(cop.Handler)
		if d.SecureCookies {
			r.Use(web.SecureCookies)
		}
		r.Use(web.Authenticate(authn, writeError(d.Log)))
		if d.Users != nil {
			d.Users.Routes(r, d.Log)
		}
		if d.Books != nil {
			d.Books.Routes(r, d.Log)
		}
		if d.Orders != nil {
			d.Orders.Routes(r, d.Log)
		}
	})
	return r
}

// Starting returns the router served while start-up is still under way:
// /healthz answers, /readyz and everything else get 503 with Retry-After.
func Starting(log *slog.Logger) http.Handler {
	r := newRouter(log, nil, 0)
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

// newRouter builds the routes both phases share. Requests are counted by m
// (unless nil) and given a deadline of timeout (unless 0); both wrap the whole
// router, so every route mounted later is covered.
func newRouter(log *slog.Logger, m *Metrics, timeout time.Duration) *chi.Mux {
	r := chi.NewRouter()
	r.Use(page.Headers, web.WithRequestID)
	if m != nil {
		r.Use(m.instrument) // outside recoverPanics, so a panic counts as the 500 it becomes
	}
	r.Use(logRequests(log), recoverPanics(log))
	if timeout > 0 {
		r.Use(withDeadline(timeout))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if page.IsPage(r) {
			page.WriteError(w, r, log, errNoSuchPage)
			return
		}
		web.WriteError(w, r, log, errNoSuchResource)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		if page.IsPage(r) {
			page.WriteError(w, r, log, errNoSuchPage)
			return
		}
		web.WriteProblem(w, r, web.Problem{Status: http.StatusMethodNotAllowed,
			Detail: "The resource does not support the " + r.Method + " method."})
	})
	r.Get("/healthz", healthz)
	r.Method(http.MethodGet, "/static/*", page.Static())
	r.Get("/openapi.json", openAPI(log))
	return r
}

var (
	errNoSuchResource = errs.New(errs.NotFound, "No such resource.")
	errNoSuchPage     = errs.New(errs.NotFound, "There is no such page.")
	errCrossOrigin    = errs.New(errs.Forbidden, "The request came from another site; send the form from this shop's own page.")
)

// writeError answers an error the router meets itself (no route, a refused
// cross-origin request, a failed authentication lookup) the way the route
// would have: an HTML page for a page, problem+json for the API.
func writeError(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if page.IsPage(r) {
			page.WriteError(w, r, log, err)
			return
		}
		web.WriteError(w, r, log, err)
	}
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
		// A ping on a connection the server ended (a failover, a restart)
		// is retried on a new one, as every read is: the database is back.
		_, err := pgtx.Read(ctx, db, func() (struct{}, error) { return struct{}{}, db.Ping(ctx) })
		if err != nil {
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
