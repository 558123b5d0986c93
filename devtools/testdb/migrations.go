package testdb

import (
	"context"
	"testing"

	"example.com/bookapp/shared/migrate"
)

// CheckMigrations is the test every context runs on its migrations: src must
// pass migrate.Lint, number its files 1..n without gaps (or on from its
// baseline's retired files, n+1..), and apply to a fresh
// database. It returns the tables the database then holds, as
// "schema.table", sorted, for the caller to compare with what it expects.
func CheckMigrations(tb testing.TB, src migrate.Source) []string {
	tb.Helper()
	if err := migrate.Lint(src); err != nil {
		tb.Error(err)
	}
	for i, f := range src.Files {
		if want := src.Baseline.Replaces + int64(i+1); f.Version != want {
			tb.Errorf("%s: version %d, want %d (no gaps)", f.Name, f.Version, want)
		}
	}
	pool := New(tb, src)
	rows, err := pool.Query(context.Background(), `SELECT table_schema || '.' || table_name
		FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return tables
}
