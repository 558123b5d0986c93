// Package persistence stores books.
package persistence

// titleQuery reads books' own schema.
const titleQuery = `SELECT title FROM books.books WHERE id = $1`
