package persistence_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/users/persistence"
)

// The users migrations follow the data rules and apply to a real database,
// creating the schema's tables and nothing outside it.
func TestMigrations(t *testing.T) {
	got := testdb.CheckMigrations(t, persistence.Migrations())
	want := []string{"users.addresses", "users.login_failures", "users.passwords",
		"users.schema_migrations", "users.sessions", "users.users"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
