package persistence_test

import (
	"regexp"
	"strings"
	"testing"

	"example.com/bookapp/users/persistence"
)

// TestMigrationsFollowTheRules checks each file against the schema rules of
// the architecture: one DDL statement, names qualified with the users schema,
// no serial or identity columns, no foreign key to another schema.
func TestMigrationsFollowTheRules(t *testing.T) {
	t.Parallel()
	src := persistence.Migrations()
	if src.Schema != "users" {
		t.Errorf("schema = %q, want users", src.Schema)
	}
	comment := regexp.MustCompile(`--[^\n]*`)
	created := regexp.MustCompile(`(?i)^CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+(?:\w+\s+ON\s+)?(\w+)\.`)
	references := regexp.MustCompile(`(?i)REFERENCES\s+(\w+)\.`)
	banned := regexp.MustCompile(`(?i)\b(serial|bigserial|smallserial|identity)\b`)
	for i, f := range src.Files {
		if f.Version != int64(i+1) {
			t.Errorf("%s: version %d, want %d (no gaps)", f.Name, f.Version, i+1)
		}
		sql := strings.TrimSpace(comment.ReplaceAllString(f.SQL, ""))
		if n := strings.Count(sql, ";"); n != 1 || !strings.HasSuffix(sql, ";") {
			t.Errorf("%s: %d statements, want exactly one, ending with ';'", f.Name, n)
		}
		m := created.FindStringSubmatch(sql)
		if m == nil || m[1] != "users" {
			t.Errorf("%s: want a CREATE TABLE or CREATE INDEX on a users.* table, got %.60q", f.Name, sql)
		}
		for _, ref := range references.FindAllStringSubmatch(sql, -1) {
			if ref[1] != "users" {
				t.Errorf("%s: foreign key to schema %s", f.Name, ref[1])
			}
		}
		if banned.MatchString(sql) {
			t.Errorf("%s: serial or identity column; ids are UUIDv7 made in Go", f.Name)
		}
	}
}
