// Package persistence stores books.
package persistence

// Table is the books table.
const Table = "books.books"
