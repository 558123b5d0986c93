package domain

import (
	"testing"

	"example.com/shop/devtools/testdb"
	"github.com/google/go-cmp/cmp"
)

func TestBook(t *testing.T) {
	if d := cmp.Diff(testdb.Name, "test"); d != "" {
		t.Error(d)
	}
}
