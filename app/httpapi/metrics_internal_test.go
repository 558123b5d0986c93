package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/google/go-cmp/cmp"
)

// Requests are labelled by the pattern of the route that answered them,
// through mounted sub-routers too, and the pattern's prefix names the context.
func TestRouteAndContextLabels(t *testing.T) {
	var got []string
	note := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			route := routeOf(r)
			got = append(got, contextOf(route)+" "+route)
		})
	}
	ok := func(w http.ResponseWriter, _ *http.Request) {}
	r := chi.NewRouter()
	r.Use(note)
	r.Get("/api/books/{id}", ok)
	r.Get("/api/tags", ok)
	r.Route("/api/orders", func(r chi.Router) {
		r.Get("/{id}", ok)
		r.Post("/", ok)
	})
	r.Get("/api/auth/login", ok)
	r.Get("/api/bookshelf", ok) // a prefix of a context's path is not that context
	r.Get("/metrics", ok)

	for _, path := range []string{
		"/api/books/0190c1e2-aaaa-7bbb-8ccc-123456789abc", "/api/books/another-id", "/api/tags",
		"/api/orders/42", "/api/orders/", "/api/auth/login", "/api/bookshelf", "/metrics", "/nowhere/at/all",
	} {
		method := http.MethodGet
		if path == "/api/orders/" {
			method = http.MethodPost
		}
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
	}
	want := []string{
		"books /api/books/{id}", "books /api/books/{id}", "books /api/tags",
		"orders /api/orders/{id}", "orders /api/orders", "users /api/auth/login", "ops /api/bookshelf",
		"ops /metrics", "ops unmatched",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}
