// Package persistence stores books.
package persistence

import "example.com/shop/books/domain"

// Table is the books table.
const Table = "books"

// Book is read back.
var Book = domain.Table
