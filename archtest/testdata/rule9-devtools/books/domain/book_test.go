package domain

import (
	"testing"

	"example.com/shop/devtools/testdb"
)

// The domain's tests may use developer tooling.
func TestBook(t *testing.T) { _ = Book{Title: testdb.Name} }
