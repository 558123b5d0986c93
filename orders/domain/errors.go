package domain

import "example.com/bookapp/shared/errs"

// The orders context's errors. Each wraps one kind of shared/errs, which is
// what the app maps to an HTTP status; test for either with errors.Is. Errors
// about particular fields (a basket's lines, a delivery date) are
// errs.WithFields errors of kind errs.Invalid or errs.RuleBroken instead.
var (
	// ErrOrderNotFound reports an order id that matches no order, or an
	// order that is not the caller's to see: the two are not told apart, so
	// that ids reveal nothing about other customers' orders.
	ErrOrderNotFound = errs.New(errs.NotFound, "order not found")

	// ErrNotOwner reports a change to an order by an administrator who may
	// see it but did not place it: only the customer who placed an order
	// changes its delivery date or cancels it. It is of kind not found, as
	// the API promises for those routes; its message tells the
	// administrator why.
	ErrNotOwner = errs.New(errs.NotFound, "no order of yours has this id: only the customer who placed an order may change it")

	// ErrNoAddress reports a customer placing an order without a delivery
	// address set.
	ErrNoAddress = errs.New(errs.RuleBroken, "no delivery address set: set one before placing an order")

	// ErrDeliveryDateFixed reports a change of delivery date to an order
	// that is no longer placed: dispatched, delivered or cancelled.
	ErrDeliveryDateFixed = errs.New(errs.RuleBroken, "the delivery date cannot change once the order is dispatched, delivered or cancelled")

	// ErrNotCancellable reports the cancellation of an order that is no
	// longer placed.
	ErrNotCancellable = errs.New(errs.RuleBroken, "only an order that has not been dispatched can be cancelled")

	// ErrBadTransition reports a status change other than placed →
	// dispatched or dispatched → delivered.
	ErrBadTransition = errs.New(errs.RuleBroken, "the status may only move from placed to dispatched and from dispatched to delivered")

	// ErrIdempotencyKeyReused reports an Idempotency-Key that the customer
	// already used for a different request.
	ErrIdempotencyKeyReused = errs.New(errs.RuleBroken, "the idempotency key was already used for a different request")
)
