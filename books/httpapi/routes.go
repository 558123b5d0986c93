// Package httpapi is the HTTP adapter of the books context: the catalogue
// and its lists, tags, reviews, promotions and the administrators' changes,
// and their part of the API's OpenAPI document (openapi.json). Its handlers
// decode (money and dates in the API's formats, path ids), call the books
// services and encode; the rules live in the layers below. It is the
// context's top layer but setup, on net/http and shared/web alone, so it
// mounts on the app's router today and on a process of its own later.
package httpapi

import (
	"bytes"
	_ "embed"
	"log/slog"

	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/web"
)

// Routes mounts the books endpoints on mux. The mux's requests must have
// been through web.Authenticate; the administrators' routes are guarded
// with web.Admin here, and the service checks the role again.
func Routes(mux web.Mux, log *slog.Logger, books *service.Service, lists *listbooks.Service) {
	h := handlers{books: books, lists: lists}
	rs := web.Routes{Mux: mux, Log: log}
	rs.Handle("GET /api/books", h.listBooks)
	rs.Handle("GET /api/books/{id}", h.getBook)
	rs.Handle("GET /api/tags", h.tags)
	rs.Handle("POST /api/books/{id}/reviews", h.addReview, web.SignedIn)

	rs.Handle("GET /api/books/deleted", h.listDeleted, web.Admin)
	rs.Handle("POST /api/books", h.addBook, web.Admin)
	rs.Handle("PUT /api/books/{id}/published-on", h.changePublishedOn, web.Admin)
	rs.Handle("PUT /api/books/{id}/promotion", h.setPromotion, web.Admin)
	rs.Handle("DELETE /api/books/{id}/promotion", bookResult(books.RemovePromotion), web.Admin)
	rs.Handle("DELETE /api/books/{id}", bookCommand(books.SoftDelete), web.Admin)
	rs.Handle("POST /api/books/{id}/restore", bookCommand(books.Restore), web.Admin)
}

// openAPI is this context's part of the API's OpenAPI 3.1 document: its
// paths and the schemas only it uses. The app merges it with the others'
// (web.MergeOpenAPI) and tests every response against the whole.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the books part of the OpenAPI document.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
