// Package usersapi is the HTTP face of the users context: accounts, sign-in
// and sign-out, the caller's profile and delivery address. Its handlers
// decode, call users' service and encode; the rules live in the context.
package usersapi

import (
	"log/slog"

	"github.com/go-chi/chi/v5"

	"example.com/bookapp/app/web"
	usersservice "example.com/bookapp/users/service"
)

// Routes mounts the users endpoints of the API on r.
func Routes(r chi.Router, svc *usersservice.Service, log *slog.Logger) {
	r.Post("/api/users", register(svc, log))
	r.Post("/api/auth/login", login(svc, log))
	r.Group(func(r chi.Router) {
		r.Use(web.RequireUser(log))
		r.Post("/api/auth/logout", logout(svc, log))
		r.Get("/api/users/me", me(svc, log))
		r.Put("/api/users/me/address", setAddress(svc, log))
	})
}
