// Package infrastructure is the books context's edge: broker handlers.
package infrastructure

import (
	"example.com/shop/books/domain"
	"example.com/shop/books/persistence"
	"example.com/shop/shared/broker"
)

// Handlers answer other contexts through the broker.
type Handlers struct {
	store persistence.Store
	book  domain.Book
	b     broker.Broker
}
