// Package books is the setup package of the books context.
package books

import (
	"example.com/shop/books/infrastructure"
	"example.com/shop/books/persistence"
	"example.com/shop/books/service"
)

// New wires the books context.
func New() *service.Service {
	return service.New(persistence.Store{}, infrastructure.Handlers{})
}
