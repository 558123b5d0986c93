// Package httpapi is the HTTP adapter of the orders context: placing an
// order (with an optional Idempotency-Key), listing and reading orders,
// changing the delivery date, cancelling, and the administrators' status
// changes, and their part of the API's OpenAPI document (openapi.json). Its
// handlers decode, call orders' service and encode; the rules, and who may
// do what, live in the layers below. It is the context's top layer but
// setup, on net/http and shared/web alone.
package httpapi

import (
	"bytes"
	_ "embed"
	"log/slog"

	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/web"
)

// Routes mounts the orders endpoints on mux, whose requests must have been
// through web.Authenticate. Every one needs a signed-in caller; setting a
// status needs an administrator (403 before the body is read).
func Routes(mux web.Mux, log *slog.Logger, orders *service.Service) {
	h := handlers{orders: orders}
	rs := web.Routes{Mux: mux, Log: log}
	rs.Handle("POST /api/orders", h.placeOrder, web.SignedIn)
	rs.Handle("GET /api/orders", h.listOrders, web.SignedIn)
	rs.Handle("GET /api/orders/{id}", h.getOrder, web.SignedIn)
	rs.Handle("PUT /api/orders/{id}/delivery-date", h.changeDeliveryDate, web.SignedIn)
	rs.Handle("POST /api/orders/{id}/cancel", h.cancelOrder, web.SignedIn)
	rs.Handle("PUT /api/orders/{id}/status", h.setStatus, web.Admin)
}

// openAPI is this context's part of the API's OpenAPI 3.1 document: its
// paths and the schemas only it uses. The app merges it with the others'
// (web.MergeOpenAPI) and tests every response against the whole.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the orders part of the OpenAPI document.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
