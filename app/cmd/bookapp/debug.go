package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug serves Go's profiler (net/http/pprof: /debug/pprof/, a CPU
// profile at /debug/pprof/profile?seconds=N, the heap, goroutines…) on
// addr, a listener of its own, never the API's: profiles tell more about
// the process than a customer may know, so the address is meant to be
// loopback or a private network, and it is off unless -debug-addr is set.
// `make bench-http PPROF=1` and `make loadtest PPROF=1` take their profiles
// from it. It returns the address it listens on and a stop that closes it.
func serveDebug(addr string, log *slog.Logger) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen for the profiler (-debug-addr): %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { _ = srv.Serve(ln) }()
	log.Info("profiler listening", slog.String("url", "http://"+ln.Addr().String()+"/debug/pprof/"))
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // a profile being taken is cut short
	}, nil
}
