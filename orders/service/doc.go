// Package service holds the orders context's use cases, one method per thing a
// user can do, in one file per group, speaking the package's own plain values
// (Order, Line, PlaceInput): placing an order with an optional idempotency key
// (place.go), reading and listing orders (read.go), and changing an order's
// delivery date, cancelling it and, for administrators, moving its status on
// (manage.go). Its callers are the context's HTTP adapter (httpapi) and its
// setup package, which is all the app sees of orders.
//
// Who may do what: a customer sees, changes and cancels only their own
// orders, and another customer's order is "not found" to them, never
// "forbidden", so ids reveal nothing. An administrator sees every order, and
// lists them all with All; only administrators set a status. Changing the
// delivery date and cancelling stay the owner's: an administrator gets
// ErrNotOwner, also of kind not found (the API lists no 403 for those
// routes), for an order they can see but did not place.
package service
