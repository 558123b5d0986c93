// Package persistence stores books.
package persistence

import "example.com/shop/shared/ids"

// Book is a book.
type Book struct{ ID ids.ID }
