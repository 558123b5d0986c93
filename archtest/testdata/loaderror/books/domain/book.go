// Package domain imports a package that does not exist.
package domain

import "example.com/shop/books/domain/missing"

// Book is a book.
type Book = missing.Book
