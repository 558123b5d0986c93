// Package domain is the books context's domain layer.
package domain

import (
	"errors"
	"net/mail"

	"example.com/shop/shared/errs"
	"github.com/google/uuid"
)

// Book is a book.
type Book struct {
	ID     uuid.UUID
	Author *mail.Address
}

// ErrNotFound says there is no such book.
var ErrNotFound = errors.Join(errs.NotFound, errors.New("book not found"))
