// Package pgx is a stand-in for github.com/jackc/pgx/v5 in archtest fixtures.
package pgx

// Conn is a database connection.
type Conn struct{}
