// Package domain holds the books domain; its non-test files are clean.
package domain

// Book is a book.
type Book struct{ Title string }
