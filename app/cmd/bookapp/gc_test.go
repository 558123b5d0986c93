package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that serve's collector settings apply only where the
// environment sets none. It changes process-wide settings, so it is not
// parallel and puts them back.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	tests := []struct {
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{map[string]string{}, serveGCPercent, serveMemoryLimit()},
		{map[string]string{"GOGC": "50"}, 100, serveMemoryLimit()},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, serveGCPercent, math.MaxInt64},
		{map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	}
	for _, tt := range tests {
		// The runtime applied the environment's own values at start-up;
		// here they are the ones set above.
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC(func(k string) string { return tt.env[k] })
		if got := debug.SetGCPercent(100); got != tt.wantPercent {
			t.Errorf("env %v: GC percent %d, want %d", tt.env, got, tt.wantPercent)
		}
		if got := debug.SetMemoryLimit(-1); got != tt.wantLimit {
			t.Errorf("env %v: memory limit %d, want %d", tt.env, got, tt.wantLimit)
		}
	}
}

// TestServeMemoryLimitCoversPasswordHashes checks that the soft limit stays
// above what the password hashes may hold at once, however many cores.
func TestServeMemoryLimitCoversPasswordHashes(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })
	for _, tt := range []struct {
		procs int
		want  int64
	}{
		{1, 100 << 20},
		{2, 100 << 20},
		{4, 24<<20 + 8*19<<20},
		{16, 24<<20 + 32*19<<20},
	} {
		runtime.GOMAXPROCS(tt.procs)
		if got := serveMemoryLimit(); got != tt.want {
			t.Errorf("GOMAXPROCS=%d: limit %d MiB, want %d MiB", tt.procs, got>>20, tt.want>>20)
		}
	}
}
