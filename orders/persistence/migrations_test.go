package persistence_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders/persistence"
)

// The orders migrations follow the data rules and apply to a real database,
// creating the schema's tables and nothing outside it.
func TestMigrations(t *testing.T) {
	t.Parallel()
	got := testdb.CheckMigrations(t, persistence.Migrations())
	want := []string{"orders.idempotency_keys", "orders.line_items", "orders.orders", "orders.outbox_deliveries", "orders.outbox_events", "orders.schema_migrations"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}
