// Package persistence is the users context's storage layer: SQL over pgx, query
// objects, and the schema's migrations. It sits above domain and is the only
// layer of the context that speaks SQL.
package persistence

import (
	"embed"

	"example.com/bookapp/shared/migrate"
)

// Schema is the PostgreSQL schema the users context owns; it reads and writes no other.
const Schema = "users"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the users schema's ordered SQL migrations for the runner in
// shared/migrate.
func Migrations() migrate.Source {
	return migrate.MustSource(Schema, migrationFiles, "migrations")
}
