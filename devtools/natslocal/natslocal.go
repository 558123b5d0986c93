// Package natslocal runs a NATS server (with JetStream) inside the calling
// process, from the nats-server Go module: for the tests of the split
// deployment and for `make run-split`. Nothing is installed or downloaded.
package natslocal

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure a server. The zero value listens on a free port of
// 127.0.0.1 and keeps JetStream's data in a temporary directory.
type Options struct {
	Port int    // 0: a free port
	Dir  string // JetStream's store; "": a temporary directory, removed by Shutdown
}

// Server is a running NATS server.
type Server struct {
	ns     *server.Server
	tmpDir string
}

// Start starts a server and waits until it accepts connections.
func Start(opts Options) (*Server, error) {
	dir, tmp := opts.Dir, ""
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "natslocal-"); err != nil {
			return nil, err
		}
		tmp = dir
	}
	port := opts.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  dir,
		NoSigs:    true,
		NoLog:     true,
	})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("natslocal: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		os.RemoveAll(tmp)
		return nil, errors.New("natslocal: the server did not accept connections within 10s")
	}
	return &Server{ns: ns, tmpDir: tmp}, nil
}

// New starts a server for the test tb and shuts it down when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s, err := Start(Options{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Shutdown)
	return s
}

// URL is the server's client URL, nats://127.0.0.1:port.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits until it has stopped.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}
