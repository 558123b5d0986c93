package persistence_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The books migrations follow the data rules and apply to a real database,
// creating the schema's tables and nothing outside it.
func TestMigrations(t *testing.T) {
	got := testdb.CheckMigrations(t, persistence.Migrations())
	want := []string{"books.authors", "books.book_authors", "books.book_tags", "books.books", "books.inbox", "books.purchases", "books.reviews", "books.sales", "books.schema_migrations", "books.tags"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}

// A database at the retired head (0050, migrated by the release before the
// baseline) upgrades to the current migrations, and then has exactly the
// schema of a new database: the baseline builds what the retired files built.
func TestMigrationsUpgradeFromTheRetiredHead(t *testing.T) {
	ctx := context.Background()
	retired, err := migrate.NewSource(persistence.Schema, os.DirFS("testdata"), "retired_migrations")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(retired.Files); n != 50 {
		t.Fatalf("%d retired files, want 50", n)
	}
	old := testdb.Open(t, testdb.NewEmpty(t))
	if _, err := migrate.Up(ctx, old, retired); err != nil {
		t.Fatal(err)
	}
	applied, err := migrate.Up(ctx, old, persistence.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range applied {
		if a.Version <= 72 && !a.Recorded {
			t.Errorf("%s ran on the upgraded database; the baseline is only recorded", a.Name)
		}
	}

	fresh := testdb.New(t, persistence.Migrations())
	if diff := cmp.Diff(schemaOf(t, fresh), schemaOf(t, old)); diff != "" {
		t.Errorf("upgraded schema differs from a new database's (-new +upgraded):\n%s", diff)
	}
	history := `SELECT version || ' ' || name || ' ' || checksum FROM books.schema_migrations WHERE version > 50 ORDER BY version`
	if diff := cmp.Diff(rowsOf(t, fresh, history), rowsOf(t, old, history)); diff != "" {
		t.Errorf("upgraded history after 0050 differs from a new database's (-new +upgraded):\n%s", diff)
	}
}

// schemaOf describes the books schema from pg_catalog, one line per
// relation, column, index and constraint, in PostgreSQL's own rendering.
func schemaOf(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	var lines []string
	for _, q := range []string{
		`SELECT 'relation ' || c.relname || ' ' || c.relkind::text
		   FROM pg_class c WHERE c.relnamespace = 'books'::regnamespace`,
		`SELECT 'column ' || c.relname || '.' || a.attname || ' #' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod)
		        || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
		        || CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || a.attgenerated::text ELSE '' END
		        || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
		   FROM pg_attribute a
		   JOIN pg_class c ON c.oid = a.attrelid
		   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		  WHERE c.relnamespace = 'books'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
		`SELECT 'index ' || pg_get_indexdef(i.indexrelid)
		   FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		  WHERE c.relnamespace = 'books'::regnamespace`,
		`SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		   FROM pg_constraint WHERE connamespace = 'books'::regnamespace`,
	} {
		lines = append(lines, rowsOf(t, pool, q+" ORDER BY 1")...)
	}
	return lines
}

// rowsOf runs a query of one text column and returns its rows.
func rowsOf(t *testing.T, pool *pgxpool.Pool, sql string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return got
}
