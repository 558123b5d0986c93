package domain

import (
	"testing"

	"example.com/shop/books/persistence"
	"example.com/shop/devtools/testdb"
	"github.com/google/go-cmp/cmp"
)

func TestBook(t *testing.T) {
	_ = cmp.Diff(persistence.Table, testdb.Name)
}
