package main

import (
	"bytes"
	"io"
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
	get := func(path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	if status, body := get("/debug/pprof/"); status != http.StatusOK || !bytes.Contains(body, []byte("goroutine")) {
		t.Errorf("/debug/pprof/ = %d, %.80q; want 200 and the index of profiles", status, body)
	}
	if status, body := get("/debug/pprof/profile?seconds=1"); status != http.StatusOK || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		t.Errorf("/debug/pprof/profile = %d, %d bytes; want 200 and a gzipped profile", status, len(body))
	}
	if status, _ := get("/api/books"); status != http.StatusNotFound {
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
