package listbooks_test

import (
	"testing"

	"example.com/shop/books/service/listbooks"
	"example.com/shop/devtools/testdb"
)

func TestList(t *testing.T) {
	_ = testdb.Name
	_ = listbooks.List
}
