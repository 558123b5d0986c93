// Package persistence stores books: pgx and shared/db are fine here.
package persistence

import (
	"example.com/shop/books/domain"
	"example.com/shop/shared/db"
	"github.com/jackc/pgx/v5"
)

// Store stores books.
type Store struct {
	conn *pgx.Conn
	book domain.Book
}

// URL is where.
var URL = db.URL
