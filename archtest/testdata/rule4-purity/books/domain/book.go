// Package domain holds the books domain.
package domain

import (
	"database/sql"
	"net/http"
	"net/mail"

	"example.com/shop/shared/db"
	"example.com/shop/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Book is a book.
type Book struct {
	ID     uuid.UUID
	Author mail.Address
	conn   *pgx.Conn
	row    *sql.Row
	client *http.Client
}

var _, _, _ = db.URL, errs.NotFound, cmp.Diff
