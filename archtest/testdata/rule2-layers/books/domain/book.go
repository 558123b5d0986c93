// Package domain holds the books domain.
package domain

import "example.com/shop/books/persistence"

// Book is a book.
type Book struct{ Table string }

// Table is where books live.
var Table = persistence.Table
