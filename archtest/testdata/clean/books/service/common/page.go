// Package common holds what the books use cases share.
package common

import "example.com/shop/books/domain"

// Page is a page of books.
type Page struct{ Items []domain.Book }
