// Package service holds the orders use cases.
package service

import "example.com/shop/books/service"

// Place places an order; the import of books is excepted.
func Place(book string) string { return service.Title(book) }
