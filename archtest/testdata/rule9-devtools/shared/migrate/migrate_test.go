package migrate_test

import (
	"testing"

	"example.com/shop/devtools/testdb"
)

// The kernel's tests may use developer tooling.
func TestMigrate(t *testing.T) { _ = testdb.Name }
