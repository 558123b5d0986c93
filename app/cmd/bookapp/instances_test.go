package main

import (
	"syscall"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
)

// Eight instances started at once on one empty database all become ready,
// and every migration of every context is applied exactly once: the
// per-context advisory lock makes the others wait, then find nothing to do.
func testInstancesStartTogether(t *testing.T, bin string) {
	const instances = 8
	url := testdb.NewEmpty(t)

	start := time.Now()
	procs := make([]*process, instances)
	for i := range procs {
		procs[i] = launch(t, bin, url)
	}
	for _, p := range procs {
		p.waitListening(t)
		p.waitReady(t)
	}
	t.Logf("%d instances ready %s after the first was started", instances, time.Since(start))

	files, applied := 0, 0
	for _, c := range contextNames {
		src := migrationsOf(c)
		files += len(src.Files)
		rows := countRows(t, url, "SELECT count(*) FROM "+src.Schema+".schema_migrations")
		versions := countRows(t, url, "SELECT count(DISTINCT version) FROM "+src.Schema+".schema_migrations")
		if rows != len(src.Files) || versions != len(src.Files) {
			t.Errorf("%s: %d migrations recorded (%d distinct versions), want %d",
				src.Schema, rows, versions, len(src.Files))
		}
	}
	for _, p := range procs {
		applied += p.logged("migration applied")
	}
	if applied != files {
		t.Errorf("the instances logged %d migrations applied between them, want each of the %d once", applied, files)
	}

	for _, p := range procs {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range procs {
		if code := p.wait(t, 30*time.Second); code != 0 {
			t.Errorf("instance %d exited %d after SIGTERM, want 0", i, code)
		}
	}
}
