// Package listbooks lists books.
package listbooks

import (
	"example.com/shop/books/domain"
	"example.com/shop/books/persistence"
	"example.com/shop/books/service/common"
)

// List lists books.
func List(persistence.Store) common.Page { return common.Page{Items: []domain.Book{}} }
