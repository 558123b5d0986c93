// Command archtest is the architecture lint of a Go workspace laid out as a
// modular monolith. It checks every package of every module that go.work
// uses against the rules of docs/design/ARCHITECTURE.md and exits 1 if any
// is broken.
//
// Usage:
//
//	archtest [-C dir] [-config file] [-exceptions file] [-json | -graph mermaid|dot] [-v] [dir]
//
// Exit status: 0 when no rule is broken, 1 when one is (or an exception is
// stale), 2 when the check cannot run: no workspace, a bad flag, config or
// exceptions file, or a package that does not load.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"example.com/bookapp/archtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK        = 0
	exitViolation = 1
	exitError     = 2
)

const usage = `usage: archtest [flags] [dir]

archtest checks every package of every module of a go.work workspace against
the architecture rules and reports each broken rule at the offending import
or go.mod line.

The workspace is the go.work in dir (or -C dir) or the nearest directory above
it; with neither, $GOWORK if set, else the go.work found from the current
directory upward.

Flags:
`

// run is the whole command; main only supplies the process's arguments,
// environment and streams, so that tests call run.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("archtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExit status: 0 clean, 1 violations (or a stale exception), 2 the check could not run.\n")
	}
	dir := fs.String("C", "", "look for go.work in `dir` and above (same as the dir argument)")
	configFile := fs.String("config", "", "config `file` (default <root>/"+archtest.ConfigFileName+"; built-in defaults if it is missing)")
	exceptionsFile := fs.String("exceptions", "", "exceptions `file` (default <root>/"+archtest.ExceptionsFileName+"; none if it is missing)")
	jsonOut := fs.Bool("json", false, "write the report as JSON")
	graph := fs.String("graph", "", "write the module/layer dependency graph as `format` mermaid or dot instead of the report (the report goes to stderr)")
	verbose := fs.Bool("v", false, "also list the imports allowed by exceptions, with their reasons")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if fs.NArg() > 1 || fs.NArg() == 1 && *dir != "" {
		fmt.Fprintln(stderr, "archtest: give the workspace directory once, as -C dir or as the argument")
		fs.Usage()
		return exitError
	}
	if fs.NArg() == 1 {
		*dir = fs.Arg(0)
	}
	if *graph != "" && *graph != "mermaid" && *graph != "dot" {
		fmt.Fprintf(stderr, "archtest: -graph %s: want mermaid or dot\n", *graph)
		return exitError
	}
	if *graph != "" && *jsonOut {
		fmt.Fprintln(stderr, "archtest: -json and -graph cannot be combined")
		return exitError
	}

	opts := archtest.Options{Dir: *dir, ConfigFile: *configFile, ExceptionsFile: *exceptionsFile}
	if *dir == "" {
		switch gowork := getenv("GOWORK"); gowork {
		case "":
		case "off":
			fmt.Fprintln(stderr, "archtest: GOWORK=off, but archtest checks a go.work workspace")
			return exitError
		default:
			opts.GoWork = gowork
		}
	}
	report, err := archtest.Check(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "archtest: %v\n", err)
		return exitError
	}

	out, reportOut := stdout, stdout
	if *graph != "" {
		reportOut = stderr
	}
	switch {
	case *graph == "mermaid":
		err = report.Graph.WriteMermaid(out)
	case *graph == "dot":
		err = report.Graph.WriteDOT(out)
	}
	if err == nil {
		if *jsonOut {
			err = report.WriteJSON(reportOut)
		} else {
			err = report.WriteText(reportOut, *verbose)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "archtest: %v\n", err)
		return exitError
	}
	if len(report.Violations) > 0 {
		return exitViolation
	}
	return exitOK
}
