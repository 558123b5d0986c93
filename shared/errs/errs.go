// Package errs is bookapp's one error vocabulary: a closed set of kinds that
// every context's errors wrap, so that the app can map any error to an HTTP
// status in one table with errors.Is. It is a pure part of shared: domain
// packages may import it.
//
// A context declares its own sentinels on top of a kind,
//
//	var ErrEmailTaken = errs.New(errs.Conflict, "email already registered")
//
// and callers test for either the sentinel or the kind:
// errors.Is(err, ErrEmailTaken), errors.Is(err, errs.Conflict).
package errs

import (
	"errors"
	"maps"
	"slices"
	"strings"
)

// The kinds. Each maps to one HTTP status in the app; anything that wraps no
// kind is an unexpected failure (500).
var (
	Invalid         = errors.New("invalid")           // 400: malformed, or a field invalid on its own
	Unauthenticated = errors.New("unauthenticated")   // 401: missing or invalid credentials
	Forbidden       = errors.New("forbidden")         // 403: signed in but not allowed
	NotFound        = errors.New("not found")         // 404: no such resource, or not the caller's to see
	Conflict        = errors.New("conflict")          // 409: conflicts with the current state
	RuleBroken      = errors.New("rule broken")       // 422: well-formed, but breaks a business rule
	TooManyRequests = errors.New("too many requests") // 429: slow down
	Unavailable     = errors.New("unavailable")       // 503: a dependency (the database) is down
)

// An Error is an error of one kind with a message for the client and, for
// Invalid and RuleBroken, the fields at fault keyed by JSON path
// (lines[2].quantity).
type Error struct {
	Kind    error
	Message string
	Fields  map[string]string
}

// New returns an Error of kind with message, to declare a sentinel or to
// report one failure.
func New(kind error, message string) *Error {
	return &Error{Kind: kind, Message: message}
}

// WithFields returns an Error of kind naming the fields at fault; the message
// lists them in a stable order.
func WithFields(kind error, fields map[string]string) *Error {
	keys := slices.Sorted(maps.Keys(fields))
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + fields[k])
	}
	return &Error{Kind: kind, Message: b.String(), Fields: fields}
}

func (e *Error) Error() string { return e.Message }

// Unwrap makes errors.Is(err, e.Kind) hold.
func (e *Error) Unwrap() error { return e.Kind }

// kinds are the kinds, in the order KindOf tries them.
var kinds = []error{Invalid, Unauthenticated, Forbidden, NotFound, Conflict, RuleBroken, TooManyRequests, Unavailable}

// KindOf returns the kind err wraps, or nil for an unexpected error.
func KindOf(err error) error {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// KindNamed returns the kind whose text is name ("not found"), or nil: how
// an error's kind is read back after it crossed a process boundary as text.
func KindNamed(name string) error {
	for _, k := range kinds {
		if k.Error() == name {
			return k
		}
	}
	return nil
}

// FieldsOf returns the fields at fault named by the first Error in err's
// chain, or nil.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
