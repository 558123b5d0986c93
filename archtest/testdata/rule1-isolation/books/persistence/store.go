// Package persistence stores books.
package persistence

import "github.com/jackc/pgx/v5"

// Conn is the connection.
var Conn *pgx.Conn
