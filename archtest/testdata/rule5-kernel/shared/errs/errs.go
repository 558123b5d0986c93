// Package errs is the shared error vocabulary; it may not know any context.
package errs

import (
	"errors"

	"example.com/shop/app/wiring"
	"example.com/shop/books/domain"
)

// NotFound is the kind of a missing thing.
var NotFound = errors.New("not found " + domain.Book{}.Title + wiring.Name)
