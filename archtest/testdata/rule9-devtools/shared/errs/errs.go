// Package errs is the shared error vocabulary.
package errs

import "errors"

// NotFound is the kind of a missing thing.
var NotFound = errors.New("not found")
