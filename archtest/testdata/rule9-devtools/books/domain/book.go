// Package domain holds the books domain.
package domain

// Book is a book.
type Book struct{ Title string }
