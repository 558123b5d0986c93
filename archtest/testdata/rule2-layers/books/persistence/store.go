// Package persistence stores books.
package persistence

import (
	"strings"

	"example.com/shop/books/service"
)

// Table is the books table.
var Table = strings.ToLower(service.Name)
