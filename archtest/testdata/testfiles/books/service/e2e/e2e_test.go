package e2e

import (
	"testing"

	"example.com/shop/books/domain"
)

func TestEndToEnd(t *testing.T) { _ = domain.Book{} }
