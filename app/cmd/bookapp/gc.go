package main

import "runtime/debug"

// The garbage collector's settings for serving, unless the environment sets
// its own with GOGC or GOMEMLIMIT (which the runtime reads at start-up).
//
// The server's live heap is small — a few MB — and each page of the book
// list allocates about 60 KB, so with Go's default (GOGC=100: collect when
// the heap has grown by as much as is live) it collected dozens of times a
// second under load, and collecting was about a fifth of a page's CPU. At
// 400 the heap may grow to five times what is live before a collection; the
// soft limit of 100 MiB holds it back when what is live is large (the
// sign-ups' password hashes take 19 MiB each). docs/decisions.md has the
// measurements.
const (
	serveGCPercent   = 400
	serveMemoryLimit = 100 << 20
)

// tuneGC applies the settings above where the environment leaves them
// unset.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
