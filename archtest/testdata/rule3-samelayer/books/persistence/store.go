// Package persistence stores books.
package persistence

import "example.com/shop/books/persistence/pgcommon"

// Table is the books table.
var Table = pgcommon.Schema + ".books"
