// Package httpapi is the HTTP adapter of the users context: accounts,
// sign-in and sign-out, the caller's profile and delivery address, and
// their part of the API's OpenAPI document (openapi.json). Its handlers
// decode, call users' service and encode; the rules live in the layers
// below. It is the context's top layer but setup, on net/http and
// shared/web alone.
package httpapi

import (
	"bytes"
	_ "embed"
	"log/slog"

	"example.com/bookapp/shared/web"
	"example.com/bookapp/users/service"
)

// Routes mounts the users endpoints on mux, whose requests must have been
// through web.Authenticate (users.Module.Authenticator resolves the
// tokens).
func Routes(mux web.Mux, log *slog.Logger, users *service.Service) {
	h := handlers{users: users}
	rs := web.Routes{Mux: mux, Log: log}
	rs.Handle("POST /api/users", h.register)
	rs.Handle("POST /api/auth/login", h.login)
	rs.Handle("POST /api/auth/logout", h.logout, web.SignedIn)
	rs.Handle("GET /api/users/me", h.me, web.SignedIn)
	rs.Handle("PUT /api/users/me/address", h.setAddress, web.SignedIn)
}

// openAPI is this context's part of the API's OpenAPI 3.1 document: its
// paths and the schemas only it uses. The app merges it with the others'
// (web.MergeOpenAPI) and tests every response against the whole.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the users part of the OpenAPI document.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
