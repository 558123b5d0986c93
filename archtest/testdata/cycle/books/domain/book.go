// Package domain holds the books domain; importing persistence makes a cycle.
package domain

import "example.com/shop/books/persistence"

// Table is where books live.
var Table = persistence.Table
