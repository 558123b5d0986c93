// Package persistence is the books context's storage layer.
package persistence

import (
	"example.com/shop/books/domain"
	"example.com/shop/books/persistence/pgcommon"
	"github.com/jackc/pgx/v5"
)

// Store stores books.
type Store struct {
	conn *pgx.Conn
	rows pgcommon.Rows
	last domain.Book
}

// purchasesQuery reads books' own schema and the catalogue; an event's
// name in a string constant, and orders.order-placed in a comment, name no
// table of orders.
const purchasesQuery = `
	SELECT p.book_id, count(*) -- from orders.order-placed events
	FROM books.purchases p
	WHERE p.event_type = 'orders.order-placed' AND pg_catalog.now() > $1
	GROUP BY p.book_id`
