// Package persistence is the books context's storage layer: SQL over pgx, query
// objects, and the schema's migrations. It sits above domain and is the only
// layer of the context that speaks SQL.
package persistence

import (
	"embed"

	"example.com/bookapp/shared/migrate"
)

// Schema is the PostgreSQL schema the books context owns; it reads and writes no other.
const Schema = "books"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the books schema's ordered SQL migrations for the runner in
// shared/migrate.
//
// Its first files, 0051 to 0072, are a baseline: they build from nothing the
// schema that the retired files 0001 to 0050 built, which dropped and
// re-created the list's indexes as they changed. A database at 0050 gets the
// baseline recorded without running it; one part-way through 0001–0050 must
// first be upgraded by a release that still has them. The retired files are
// kept in testdata/retired_migrations, for the test that proves the upgrade.
// Files after 0072 apply to every database alike.
func Migrations() migrate.Source {
	src := migrate.MustSource(Schema, migrationFiles, "migrations")
	src.Baseline = migrate.Baseline{Replaces: 50, Through: 72}
	return src
}
