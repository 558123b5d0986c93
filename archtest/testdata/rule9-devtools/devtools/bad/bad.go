// Package bad is developer tooling that reaches into a context.
package bad

import "example.com/shop/books/domain"

// Book is a fixture book.
var Book = domain.Book{}
