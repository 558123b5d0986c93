// Package ordersapi is the HTTP face of the orders context: placing an order
// (with an optional Idempotency-Key), listing and reading orders, changing
// the delivery date, cancelling, and the administrators' status changes. Its
// handlers decode, call orders' service and encode; the rules, and who may
// do what, live in the context.
package ordersapi

import (
	"log/slog"

	"github.com/go-chi/chi/v5"

	"example.com/bookapp/app/web"
	ordersservice "example.com/bookapp/orders/service"
	"example.com/bookapp/shared/auth"
)

// Routes mounts the orders endpoints of the API on r. Every one needs a
// signed-in caller; setting a status needs an administrator (403 before the
// body is read).
func Routes(r chi.Router, svc *ordersservice.Service, log *slog.Logger) {
	r.Group(func(r chi.Router) {
		r.Use(web.RequireUser(log))
		r.Post("/api/orders", placeOrder(svc, log))
		r.Get("/api/orders", listOrders(svc, log))
		r.Get("/api/orders/{id}", getOrder(svc, log))
		r.Put("/api/orders/{id}/delivery-date", changeDeliveryDate(svc, log))
		r.Post("/api/orders/{id}/cancel", cancelOrder(svc, log))
		r.With(web.RequireRole(log, auth.RoleAdmin)).Put("/api/orders/{id}/status", setStatus(svc, log))
	})
}
