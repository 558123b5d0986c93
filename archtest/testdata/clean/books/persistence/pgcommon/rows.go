// Package pgcommon holds what the books persistence packages share.
package pgcommon

import "github.com/jackc/pgx/v5"

// Rows reads rows.
type Rows struct{ Conn *pgx.Conn }
