// Package persistence stores orders.
package persistence

// Queries of orders' own schema.
const (
	placeQuery = `INSERT INTO orders.orders (id, book_id) VALUES ($1, $2)`
	linesQuery = `
		SELECT l.book_id, l.quantity
		FROM orders.lines l
		WHERE l.order_id = $1`
)

// titleQuery reads books' table: rule 10.
const titleQuery = `SELECT title FROM books.books WHERE id = $1`

// tagsQuery too, with quoted names in an interpreted string.
const tagsQuery = "SELECT tag FROM \"books\".\"book tags\" WHERE book_id = $1"

// consumer names an event consumer, not a table: no SQL keyword, no violation.
const consumer = "books.sales"
