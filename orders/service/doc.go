// Package service holds the orders context's use cases, one method per thing
// a user can do, speaking DTOs: placing an order (with an optional
// idempotency key), listing and reading orders, changing an order's delivery
// date, cancelling it, and, for administrators, moving its status on. It is
// the context's public API: together with the module's setup package, the
// only part of orders that the app may import.
//
// Who may do what: a customer sees, changes and cancels only their own
// orders, and another customer's order is "not found" to them, never
// "forbidden", so ids reveal nothing. An administrator sees every order, and
// lists them all with All; only administrators set a status. Changing the
// delivery date and cancelling stay the owner's: an administrator gets
// ErrNotOwner, also of kind not found (the API lists no 403 for those
// routes), for an order they can see but did not place.
package service
