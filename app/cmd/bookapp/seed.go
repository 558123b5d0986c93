package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"example.com/bookapp/books"
)

// seedCmd tops the catalogue up to -books books of demo data, after applying
// pending migrations.
func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: bookapp seed [-books N] [-if-empty] [flags]

Tops the book catalogue up to N books of demo data: it adds the books the
catalogue lacks, continuing the demo sequence, and does nothing when there
are already N or more. Pending migrations are applied first.

`)
		fs.PrintDefaults()
	}
	var cfg config
	level := cfg.flags(fs, getenv)
	n := fs.Int("books", 1000, "the number of books the catalogue should hold, at least 1")
	ifEmpty := fs.Bool("if-empty", false, "seed only a catalogue that has no books at all")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(*level); err != nil {
		return err
	}
	if *n < 1 {
		return usageError{fmt.Sprintf("-books %d: the catalogue needs at least 1 book", *n)}
	}
	log := cfg.logger(stderr) // stdout is for the progress and the result
	dbs, err := openMigrated(ctx, &cfg, []string{"books"}, log)
	if err != nil {
		return err
	}
	defer dbs.closeAll()
	pool := dbs.pool("books")

	p := newProgress(stdout, time.Now)
	res, err := books.Seed(ctx, pool, books.SeedOptions{Books: *n, IfEmpty: *ifEmpty, Progress: p.update})
	p.finish()
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	switch {
	case res.Added > 0:
		fmt.Fprintf(stdout, "seeded %s books and %s reviews in %s: the catalogue holds %s books\n",
			thousands(res.Added), thousands(res.Reviews), p.elapsed().Round(100*time.Millisecond), thousands(res.Before+res.Added))
	case *ifEmpty && res.Before > 0:
		fmt.Fprintf(stdout, "nothing to do: the catalogue is not empty (%s books)\n", thousands(res.Before))
	default:
		fmt.Fprintf(stdout, "nothing to do: the catalogue already holds %s books (asked for %s)\n", thousands(res.Before), thousands(*n))
	}
	return nil
}

// A progress reports a seeding run: a bar redrawn in place on a terminal,
// a line per batch anywhere else (a log file, a pipe, make's output).
type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	start    time.Time
	drawn    bool
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, terminal: isTerminal(w), now: now, start: now()}
}

func (p *progress) elapsed() time.Duration { return p.now().Sub(p.start) }

func (p *progress) update(s books.SeedProgress) {
	el := p.elapsed()
	rate := float64(s.Added) / max(el.Seconds(), 1e-3)
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(s.ToAdd-s.Added)/rate) * time.Second).Round(time.Second).String()
	}
	pct := 100 * s.Added / s.ToAdd
	if !p.terminal {
		fmt.Fprintf(p.w, "seeding: %s of %s books (%d%%), %s reviews, %s books/s, ETA %s\n",
			thousands(s.Added), thousands(s.ToAdd), pct, thousands(s.Reviews), thousands(int(rate)), eta)
		return
	}
	const width = 30
	done := width * s.Added / s.ToAdd
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %s/%s books  %s books/s  ETA %-8s",
		strings.Repeat("#", done), strings.Repeat(".", width-done), pct,
		thousands(s.Added), thousands(s.ToAdd), thousands(int(rate)), eta)
	p.drawn = true
}

// finish ends the bar's line, if one was drawn.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// isTerminal reports whether w is a terminal (a character device), the
// place for a progress bar that redraws itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// thousands formats n with commas: 1234567 → 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// booksCmd runs the books context's administrative commands.
func booksCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = `Usage: bookapp books <command> [flags]

Commands:
  check-cache   check the cached columns of every book against their rows; -fix repairs them
`
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"books: no command given"}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "check-cache":
		return checkCacheCmd(ctx, rest, getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("books: unknown command %q", cmd)}
	}
}

// maxListed is how many mismatches check-cache prints; it counts them all.
const maxListed = 1000

// errCacheStale is check-cache's failure: it found mismatches and was not
// asked to fix them.
var errCacheStale = errors.New("cached values disagree with their rows")

// checkCacheCmd recomputes the books' cached columns and reports, and with
// -fix repairs, every disagreement. It fails when it found some and did not
// repair them.
func checkCacheCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("books check-cache", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	level := cfg.flags(fs, getenv)
	fix := fs.Bool("fix", false, "repair the values that disagree, in the same transaction as the check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(*level); err != nil {
		return err
	}
	log := cfg.logger(stderr) // stdout is for the report
	dbs, err := openMigrated(ctx, &cfg, []string{"books"}, log)
	if err != nil {
		return err
	}
	defer dbs.closeAll()
	pool := dbs.pool("books")
	rep, err := books.CheckCache(ctx, pool, *fix)
	if err != nil {
		return err
	}
	if len(rep.Mismatches) == 0 {
		fmt.Fprintf(stdout, "checked %s books: every cached value agrees with its rows\n", thousands(rep.Books))
		return nil
	}
	faulty := make(map[string]bool) // book ids
	for _, m := range rep.Mismatches {
		faulty[m.BookID.String()] = true
	}
	fmt.Fprintf(stdout, "checked %s books: %s cached values of %s books disagree with their rows\n",
		thousands(rep.Books), thousands(len(rep.Mismatches)), thousands(len(faulty)))
	fmt.Fprintf(stdout, "%-36s  %-18s  %-20s  %s\n", "BOOK", "COLUMN", "CACHED", "ACTUAL")
	for i, m := range rep.Mismatches {
		if i == maxListed {
			fmt.Fprintf(stdout, "... and %s more\n", thousands(len(rep.Mismatches)-maxListed))
			break
		}
		fmt.Fprintf(stdout, "%-36s  %-18s  %-20s  %s\n", m.BookID, m.Column, m.Cached, m.Actual)
	}
	if rep.Fixed {
		fmt.Fprintf(stdout, "fixed: the %s books now hold the actual values\n", thousands(len(faulty)))
		return nil
	}
	return fmt.Errorf("%w: %d values of %d books; run 'bookapp books check-cache -fix' to repair them",
		errCacheStale, len(rep.Mismatches), len(faulty))
}
