// Package books is the setup package (the front door) of the books bounded context:
// it wires the context's layers and hands the app what it needs — its
// migrations now, its services and broker handlers as they are built.
package books

import (
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/shared/migrate"
)

// Migrations returns the books context's schema migrations, which the app applies
// at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}
