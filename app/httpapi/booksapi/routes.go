// Package booksapi is the HTTP face of the books context: the catalogue and
// its lists, tags, reviews, promotions and the administrators' changes. Its
// handlers decode (money and dates in the API's formats, path ids), call the
// books services and encode; the rules live in the context.
package booksapi

import (
	"log/slog"

	"github.com/go-chi/chi/v5"

	"example.com/bookapp/app/web"
	booksservice "example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/auth"
)

// Routes mounts the books endpoints of the API on r, which must already
// authenticate callers (web.Authenticate). Administrators' routes are gated
// here with web.RequireRole, and the service checks the role again.
func Routes(r chi.Router, svc *booksservice.Service, lists *listbooks.Service, log *slog.Logger) {
	r.Get("/api/books", listBooks(lists, log))
	r.Get("/api/books/{id}", bookResult(svc.GetBook, log))
	r.Get("/api/tags", tags(svc, log))
	r.Group(func(r chi.Router) {
		r.Use(web.RequireUser(log))
		r.Post("/api/books/{id}/reviews", addReview(svc, log))
	})
	r.Group(func(r chi.Router) {
		r.Use(web.RequireRole(log, auth.RoleAdmin))
		r.Get("/api/books/deleted", listDeleted(lists, log))
		r.Post("/api/books", addBook(svc, log))
		r.Put("/api/books/{id}/published-on", changePublishedOn(svc, log))
		r.Put("/api/books/{id}/promotion", setPromotion(svc, log))
		r.Delete("/api/books/{id}/promotion", bookResult(svc.RemovePromotion, log))
		r.Delete("/api/books/{id}", bookCommand(svc.SoftDelete, log))
		r.Post("/api/books/{id}/restore", bookCommand(svc.Restore, log))
	})
}
