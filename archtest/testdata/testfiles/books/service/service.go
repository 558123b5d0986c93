// Package service holds the books use cases.
package service

// Title returns a book's title.
func Title(id string) string { return id }
