package domain

import (
	"testing"

	"example.com/shop/devtools/testdb"
	"github.com/google/go-cmp/cmp"
)

func TestBook(t *testing.T) {
	_ = testdb.Name
	if d := cmp.Diff(Book{}, Book{}); d != "" {
		t.Error(d)
	}
}
