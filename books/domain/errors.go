package domain

import "example.com/bookapp/shared/errs"

// The books context's errors beyond field validation. Each wraps one kind of
// shared/errs, which is what the app maps to an HTTP status; test for either
// with errors.Is.
var (
	// ErrBookNotFound reports a book id that matches no book, or a book that
	// is soft-deleted: hidden books are not found by anything but Restore.
	ErrBookNotFound = errs.New(errs.NotFound, "book not found")
)
