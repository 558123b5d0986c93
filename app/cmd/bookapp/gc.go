package main

import (
	"runtime"
	"runtime/debug"
)

// The garbage collector's settings for serving, unless the environment sets
// its own with GOGC or GOMEMLIMIT (which the runtime reads at start-up).
//
// The server's live heap is small and each page of the book list allocates
// far more than it keeps, so with Go's default (GOGC=100: collect when the
// heap has grown by as much as is live) it collected many times a second
// under load. At 400 the heap may grow to five times what is live before a
// collection; the soft memory limit (serveMemoryLimit) holds that growth
// back when much is live, as during a burst of sign-ins. docs/decisions.md
// ("The garbage collector") has the measurements.
const serveGCPercent = 400

// passwordHashMemory is what one password hash holds while it runs: the
// users context hashes with argon2id at OWASP's m = 19 MiB, at most
// 2×GOMAXPROCS hashes at once (users/infrastructure/argon2id.go).
const passwordHashMemory = 19 << 20

// serveMemoryLimit is the soft memory limit: 100 MiB, or on a machine with
// more than 2 cores, the most the password hashes can hold at once plus 24
// MiB for everything else. A limit below what is live would make the
// collector run back to back, so it grows with the hashes the machine
// allows. docs/performance.md has the peak RSS it gave and what a higher
// limit gave.
func serveMemoryLimit() int64 {
	return max(100<<20, 24<<20+int64(2*runtime.GOMAXPROCS(0))*passwordHashMemory)
}

// tuneGC applies the settings above where the environment leaves them
// unset.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit())
	}
}
