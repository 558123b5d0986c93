package pglocal_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"example.com/bookapp/devtools/pglocal"
)

// A paused cluster refuses connections but keeps its data, and comes back on
// the same port with it; Stop still removes a cluster that is paused.
func TestPauseResume(t *testing.T) {
	ctx := context.Background()
	c := mustStart(t, pglocal.Options{FastUnsafe: true})
	url := c.URL("postgres")
	exec1(t, url, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)")

	if err := c.Resume(ctx); err == nil {
		t.Error("Resume of a running cluster succeeded, want an error")
	}
	start := time.Now()
	if err := c.Pause(ctx); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	t.Logf("pause took %s", time.Since(start))
	if portOpen(c.Port()) {
		t.Fatalf("after Pause, port %d still accepts connections", c.Port())
	}
	if _, err := os.Stat(c.Dir()); err != nil {
		t.Fatalf("after Pause, cluster directory: %v; want it kept", err)
	}
	if err := c.Pause(ctx); err != nil {
		t.Errorf("second Pause: %v", err)
	}

	start = time.Now()
	if err := c.Resume(ctx); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	t.Logf("resume took %s", time.Since(start))
	if got := queryInt(t, url, "SELECT v FROM kept"); got != 7 {
		t.Errorf("after Resume: kept.v = %d, want 7", got)
	}

	if err := c.Pause(ctx); err != nil {
		t.Fatalf("second round, Pause: %v", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop of a paused cluster: %v", err)
	}
	if _, err := os.Stat(c.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Stop, stat %s: %v; want it removed", c.Dir(), err)
	}
	if err := c.Resume(ctx); err == nil {
		t.Error("Resume after Stop succeeded, want an error")
	}
}
