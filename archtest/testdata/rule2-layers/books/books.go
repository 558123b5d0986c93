// Package books is the setup package of the books context.
package books

import "example.com/shop/books/service"

// New wires the context.
func New() string { return service.Name }
