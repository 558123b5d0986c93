// Package infrastructure holds the books broker handlers.
package infrastructure

import "example.com/shop/books"

// Handle answers a request.
func Handle() string { return books.New() }
