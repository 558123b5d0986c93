package persistence_test

import (
	"testing"

	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/users/persistence"
)

// The users migrations follow the architecture's data rules: one DDL
// statement per file, names qualified with the users schema, no serial or
// identity columns, no foreign key into another schema, no gaps in versions.
// The store tests apply them to a real database.
func TestMigrationsFollowTheRules(t *testing.T) {
	t.Parallel()
	src := persistence.Migrations()
	if src.Schema != "users" {
		t.Errorf("schema = %q, want users", src.Schema)
	}
	if err := migrate.Lint(src); err != nil {
		t.Error(err)
	}
	for i, f := range src.Files {
		if f.Version != int64(i+1) {
			t.Errorf("%s: version %d, want %d (no gaps)", f.Name, f.Version, i+1)
		}
	}
}
