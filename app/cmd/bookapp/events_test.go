package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"example.com/bookapp/devtools/testdb"
)

// 'bookapp events list' shows the undelivered events and the parked
// deliveries; 'retry' makes a parked one due again, and says so when none
// matched.
func TestEventsCommand(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmpty(t)
	runOK(t, url, "migrate")
	if out := runOK(t, url, "events", "list"); !strings.Contains(out, "every event has been delivered") {
		t.Errorf("list with no events:\n%s", out)
	}
	// One event of an order, its delivery to books parked after ten
	// failures, as a relay leaves it.
	event, order := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	mustExecURL(t, url, `INSERT INTO orders.outbox_events (id, aggregate_id, position, type, version, payload, created_at)
		VALUES ($1, $2, 1, 'orders.order-placed', 1, '{}', now())`, event, order)
	mustExecURL(t, url, `INSERT INTO orders.outbox_deliveries (event_id, consumer, attempts, next_at, last_error, parked_at)
		VALUES ($1, 'books.sales', 10, now(), 'books: record a purchase: boom', now())`, event)
	wantContains(t, runOK(t, url, "events", "list"),
		"orders.order-placed  books.sales  0        1", event.String(), "books: record a purchase: boom")

	if out := runOK(t, url, "events", "retry", "-event", event.String(), "-consumer", "books.sales"); !strings.Contains(out, "1 parked deliveries are due again") {
		t.Errorf("retry:\n%s", out)
	}
	if n := countRows(t, url, `SELECT count(*) FROM orders.outbox_deliveries WHERE parked_at IS NULL AND attempts = 0 AND next_at <= now()`); n != 1 {
		t.Errorf("%d deliveries due with a fresh count after the retry, want 1", n)
	}
	wantContains(t, runOK(t, url, "events", "list"), "orders.order-placed  books.sales  1        0")
	var out bytes.Buffer
	err := run(context.Background(), []string{"events", "retry", "-all"}, env(map[string]string{"DATABASE_URL": url}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "no parked delivery matched") {
		t.Errorf("retry -all with nothing parked: %v, want an error saying none matched", err)
	}
}

func TestEventsCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantErr func(error) bool
		wantOut string
	}{
		{args: []string{"events"}, wantErr: isUsage, wantOut: "retry"},
		{args: []string{"events", "frobnicate"}, wantErr: isUsage, wantOut: "list"},
		{args: []string{"events", "help"}, wantErr: isNil, wantOut: "parked"},
		{args: []string{"events", "retry"}, wantErr: isUsage},
		{args: []string{"events", "retry", "-event", "not-a-uuid"}, wantErr: isUsage},
		{args: []string{"events", "retry", "-all", "-consumer", "books.sales"}, wantErr: isUsage},
		{args: []string{"events", "list", "-all"}, wantErr: isUsage, wantOut: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			// An unreachable database: none of these may get as far as
			// connecting.
			err := run(context.Background(), tt.args, env(map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}), &out, &out)
			if !tt.wantErr(err) {
				t.Errorf("run error = %v (%T)", err, err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q does not contain %q", out.String(), tt.wantOut)
			}
		})
	}
}

// mustExecURL runs a statement on the database at url.
func mustExecURL(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
