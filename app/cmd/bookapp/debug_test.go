package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// The profiler answers on its own address, gives a CPU profile, and is gone
// once stopped; an address it cannot listen on is a clear error.
func TestServeDebug(t *testing.T) {
	addr, stop, err := serveDebug("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	debug := func(path string) (int, []byte) {
		t.Helper()
		status, _, body := get(t, "http://"+addr+path) // main_test.go's
		return status, body
	}
	if status, body := debug("/debug/pprof/"); status != http.StatusOK || !bytes.Contains(body, []byte("goroutine")) {
		t.Errorf("/debug/pprof/ = %d, %.80q; want 200 and the index of profiles", status, body)
	}
	if status, body := debug("/debug/pprof/profile?seconds=1"); status != http.StatusOK || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		t.Errorf("/debug/pprof/profile = %d, %d bytes; want 200 and a gzipped profile", status, len(body))
	}
	if status, _ := debug("/api/books"); status != http.StatusNotFound {
		t.Errorf("/api/books on the profiler's address = %d; want 404 (the API is not served there)", status)
	}
	stop()
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Error("the profiler still answers after stop")
	}
	if _, _, err := serveDebug("127.0.0.1:-1", slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "-debug-addr") {
		t.Errorf("serveDebug on a bad address = %v; want an error naming -debug-addr", err)
	}
}
