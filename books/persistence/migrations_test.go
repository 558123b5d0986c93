package persistence_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/shared/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The books migrations follow the data rules and apply to a real database,
// creating the schema's tables and nothing outside it.
func TestMigrations(t *testing.T) {
	got := testdb.CheckMigrations(t, persistence.Migrations())
	want := []string{"books.authors", "books.book_authors", "books.book_tags", "books.books", "books.reviews", "books.schema_migrations", "books.tags"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
