// Package persistence stores orders.
package persistence

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Store stores orders.
type Store struct {
	ctx  context.Context
	conn *pgx.Conn
}
