// Package service holds the books use cases.
package service

import "example.com/shop/books/service/a"

// A is feature a.
var A = a.Name
