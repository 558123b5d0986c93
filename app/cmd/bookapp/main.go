// Command bookapp is the book shop: one binary that migrates the database and
// serves the HTTP API of every bounded context.
//
//	bookapp serve     migrate, then serve HTTP until SIGINT or SIGTERM
//	bookapp migrate   apply every context's pending migrations and exit
//	bookapp seed      top the catalogue up to -books books of demo data
//	bookapp books     check-cache [-fix]: check (and repair) the books' cached columns
//	bookapp events    list | retry: the integration events not yet delivered, and parked ones retried
//	bookapp version   print the version
//
// Configuration comes from the environment (DATABASE_URL, BOOKAPP_ADDR,
// BOOKAPP_LOG_LEVEL, ...); flags override it. Without DATABASE_URL, bookapp
// starts a development PostgreSQL from the locally installed binaries in
// .devdata/ and keeps it between runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default behaviour so that a
		// second Ctrl-C kills a shutdown that takes too long.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(usageError)):
		fmt.Fprintf(os.Stderr, "bookapp: %v\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "bookapp: %v\n", err)
		os.Exit(1)
	}
}

// A usageError is a mistake on the command line; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `bookapp is the book shop of the modular-monolith reference application.

Usage:
  bookapp <command> [flags]

Commands:
  serve     apply pending migrations, then serve the HTTP API until SIGINT/SIGTERM
  migrate   apply every context's pending migrations and exit
  seed      apply pending migrations, then top the catalogue up to -books N demo books
  books     the books context's admin commands: 'bookapp books check-cache [-fix]'
  events    the integration events: 'bookapp events list', 'bookapp events retry -event ID | -all'
  version   print the version and exit

Run 'bookapp <command> -h' for the flags of a command.
`

// run is the whole program; main only adds the process's signals, arguments,
// environment and exit code, so tests can call run directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return seedCmd(ctx, rest, getenv, stdout, stderr)
	case "books":
		return booksCmd(ctx, rest, getenv, stdout, stderr)
	case "events":
		return eventsCmd(ctx, rest, getenv, stdout, stderr)
	case "version":
		return versionCmd(rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}
