package persistence_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The books migrations follow the data rules and apply to a real database,
// creating the schema's tables and nothing outside it.
func TestMigrations(t *testing.T) {
	src := persistence.Migrations()
	if src.Schema != "books" {
		t.Errorf("schema = %q, want books", src.Schema)
	}
	if err := migrate.Lint(src); err != nil {
		t.Error(err)
	}
	for i, f := range src.Files {
		if f.Version != int64(i+1) {
			t.Errorf("%s: version %d, want %d (no gaps)", f.Name, f.Version, i+1)
		}
	}

	pool := testdb.New(t, src)
	rows, err := pool.Query(context.Background(), `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"books.books", "books.schema_migrations"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
