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
