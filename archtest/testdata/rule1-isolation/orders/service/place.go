// Package service holds the orders use cases.
package service

import (
	"example.com/shop/books/service"
	"example.com/shop/shared/errs"
)

// Place places an order.
func Place(book string) (string, error) { return service.Title(book), errs.NotFound }
