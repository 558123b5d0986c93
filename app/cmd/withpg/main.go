// Command withpg runs a command against a throwaway PostgreSQL cluster:
//
//	go run ./app/cmd/withpg -- go test -race ./...
//
// It starts one cluster from the installed binaries (see package pglocal),
// runs the command with DATABASE_URL set to the cluster's "postgres"
// database, stops the cluster and exits with the command's exit code. With
// DATABASE_URL already set it starts nothing and just runs the command.
// `make test` uses it so that every test binary shares one cluster instead
// of starting its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/bookapp/devtools/pglocal"
)

const usage = `usage: withpg [--] command [arg ...]

Runs command with DATABASE_URL set to a throwaway PostgreSQL cluster,
started from the installed binaries and removed afterwards, and exits
with the command's exit code. If DATABASE_URL is already set, withpg
starts nothing and runs the command as it is.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command in args with environment environ and returns the exit
// code for withpg: the command's, or 2 for a usage error, 1 for a failure of
// withpg itself. SIGINT and SIGTERM are passed on to the command.
func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, usage)
		return 2
	}

	if lookup(environ, "DATABASE_URL") == "" {
		start := time.Now()
		cluster, err := pglocal.Start(ctx, pglocal.Options{FastUnsafe: true})
		if err != nil {
			fmt.Fprintf(stderr, "withpg: %v\n", err)
			return 1
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(sctx); err != nil {
				fmt.Fprintf(stderr, "withpg: %v\n", err)
			}
		}()
		url := cluster.URL("postgres")
		fmt.Fprintf(stderr, "withpg: PostgreSQL at %s (started in %s)\n", url, time.Since(start).Round(time.Millisecond))
		environ = append(environ, "DATABASE_URL="+url)
	}

	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second

	// Pass signals on: a terminal's Ctrl-C reaches the command by itself,
	// but a SIGTERM sent to withpg alone would not.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			return exitCode(err, stderr)
		}
	}
}

// exitCode turns the command's Wait error into withpg's exit code, 128+n for
// a command killed by signal n, as shells do.
func exitCode(err error, stderr io.Writer) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return 128 + int(status.Signal())
		}
		return exit.ExitCode()
	default:
		fmt.Fprintf(stderr, "withpg: %v\n", err)
		return 1
	}
}

// lookup returns the value of key in environ, the last one if it appears
// more than once, as exec does.
func lookup(environ []string, key string) string {
	var value string
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			value = v
		}
	}
	return value
}
