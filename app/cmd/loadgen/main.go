// Command loadgen puts HTTP load on a running bookapp and reports, per
// endpoint, the average and the 50th, 95th and 99th latency percentiles, then
// the throughput, the error rate and the app's peak memory.
//
//	loadgen scenario [flags]        virtual users shop: list, read, review, order
//	loadgen hammer [flags] URL...   N connections request URLs as fast as answered
//
// scenario first signs up one account with a delivery address per virtual
// user (not measured: password hashing is deliberately slow), then runs the
// users as a profile says: smoke (5 users for 30 s), load (ramping to 20, 50
// and 80 users and holding each for a minute) or stages of your own. It
// exits 1 when a threshold is missed (by default: errors ≥ 0.1 %, p95 ≥
// 500 ms, p99 ≥ 1 s). hammer measures raw throughput of read endpoints; a
// {bookId} in a URL becomes a random book of the catalogue.
//
// `make loadtest` and `make bench-http` start the app on a seeded catalogue
// and run loadgen against it (see scripts/loadtest.sh).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(usageError)):
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1)
	}
}

// A usageError is a mistake on the command line; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errThresholds reports a run that completed but missed a threshold.
var errThresholds = errors.New("thresholds missed (see the report)")

const usage = `loadgen puts HTTP load on bookapp and reports latency percentiles per
endpoint, throughput, errors and the app's peak memory.

Usage:
  loadgen scenario [flags]        virtual users list, read, review and order books
  loadgen hammer [flags] URL...   N connections GET the URLs as fast as answered

Run 'loadgen <command> -h' for the flags of a command.
`

// run is the whole program; main only adds the process's signals, arguments
// and exit code, so tests can call run directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "scenario":
		return scenarioCmd(ctx, rest, stdout, stderr)
	case "hammer":
		return hammerCmd(ctx, rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

// commonFlags are the flags both commands share.
type commonFlags struct {
	timeout time.Duration
	wait    time.Duration
	pid     int
	limits  thresholds
}

func (c *commonFlags) bind(fs *flag.FlagSet, p95, p99 time.Duration) {
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up on one request after this long (counted as an error)")
	fs.DurationVar(&c.wait, "wait", time.Minute, "wait this long for GET /readyz to answer 200 before starting")
	fs.IntVar(&c.pid, "pid", 0, "process id of the app, to report its peak memory from /proc/<pid>/status (Linux)")
	fs.Float64Var(&c.limits.ErrorPercent, "error-limit", 0.1, "fail when this percentage of requests or more fail; 0: no check")
	fs.DurationVar(&c.limits.P95, "p95-limit", p95, "fail when the 95th percentile latency of all requests reaches this; 0: no check")
	fs.DurationVar(&c.limits.P99, "p99-limit", p99, "fail when the 99th percentile latency of all requests reaches this; 0: no check")
}

func (c *commonFlags) check() error {
	switch {
	case c.timeout <= 0:
		return usageError{"-timeout must be positive"}
	case c.pid < 0:
		return usageError{"-pid must be a process id"}
	case c.limits.ErrorPercent < 0 || c.limits.P95 < 0 || c.limits.P99 < 0:
		return usageError{"limits must not be negative"}
	}
	return nil
}

// scenarioCmd runs virtual users on the shop's scenario.
func scenarioCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scenario", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: loadgen scenario [flags]

Each virtual user, with its own account and address (made before measuring),
repeats: list books by votes (walking -pages pages deep with the cursor), get
one book of the page, review it, order three books of the page, list its
orders, get the new order. Profiles: smoke = 5 users for 30s; load = ramp to
20, 50 and 80 users over 30s each, holding each for 1m; or stages of your own
as DURATION:USERS,... (a straight ramp from the previous stage's users,
starting from 0), e.g. 0s:50,1m:50 for 50 users during one minute.

`)
		fs.PrintDefaults()
	}
	var (
		common      commonFlags
		base        string
		profileSpec string
		cfg         = scenarioConfig{Tick: 100 * time.Millisecond}
	)
	fs.StringVar(&base, "url", "http://localhost:8080", "base URL of the app")
	fs.StringVar(&profileSpec, "profile", "smoke", "smoke, load, or stages DURATION:USERS,...")
	fs.IntVar(&cfg.PageSize, "page-size", 100, "books per list page (1..1000)")
	fs.IntVar(&cfg.Pages, "pages", 10, "pages a user reads with the cursor before starting again from the first")
	fs.DurationVar(&cfg.Think, "think", 0, "pause between a user's iterations")
	fs.IntVar(&cfg.SetupConns, "setup-conns", 2, "accounts created at once before the run (each sign-up and sign-in hashes a password with 19 MiB)")
	fs.DurationVar(&cfg.Grace, "grace", 30*time.Second, "how long iterations under way may take to finish at the end")
	common.bind(fs, 500*time.Millisecond, time.Second)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if err := common.check(); err != nil {
		return err
	}
	p, err := parseProfile(profileSpec)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg.Profile = p
	if cfg.Base, err = baseURL(base); err != nil {
		return err
	}
	switch {
	case cfg.PageSize < 1 || cfg.PageSize > 1000:
		return usageError{"-page-size must be in 1..1000"}
	case cfg.Pages < 1:
		return usageError{"-pages must be at least 1"}
	case cfg.Think < 0 || cfg.Grace < 0:
		return usageError{"-think and -grace must not be negative"}
	case cfg.SetupConns < 1:
		return usageError{"-setup-conns must be at least 1"}
	}

	hc := newHTTPClient(p.MaxUsers(), common.timeout)
	if err := waitReady(ctx, hc, cfg.Base, common.wait, common.pid); err != nil {
		return err
	}
	setupStart := time.Now()
	accounts, err := createAccounts(ctx, hc, cfg.Base, p.MaxUsers(), cfg.SetupConns)
	if err != nil {
		return err
	}
	setupTook := time.Since(setupStart).Round(100 * time.Millisecond)
	fmt.Fprintf(stderr, "loadgen: %d accounts ready in %s; running profile %s for %s\n",
		len(accounts), setupTook, p.Name, p.Duration())

	watch := watchRun(common.pid)
	samples, errs, elapsed := runUsers(ctx, hc, cfg, accounts)
	r := scenarioReport(cfg, samples, elapsed)
	watch.Stop(&r)
	r.Setup = fmt.Sprintf("%d accounts signed up, signed in and given an address in %s (not measured)",
		len(accounts), setupTook)
	return finish(ctx, r, errs, common.limits, stdout)
}

// hammerCmd sends GET requests on N connections as fast as they are answered.
func hammerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hammer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: loadgen hammer [flags] URL...

-c connections each GET the URLs in turn, sending the next request as soon as
the previous one is answered, for -warmup (not measured) and then -d. A
{bookId} in a URL is replaced on every request by one of -ids book ids read
from the catalogue first. Any answer but 200 is an error.

`)
		fs.PrintDefaults()
	}
	var (
		common commonFlags
		cfg    hammerConfig
		nIDs   int
	)
	fs.IntVar(&cfg.Conns, "c", 50, "concurrent connections")
	fs.DurationVar(&cfg.Duration, "d", 20*time.Second, "how long to measure")
	fs.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "how long to send requests before measuring")
	fs.IntVar(&nIDs, "ids", 10000, "book ids to read from the catalogue for {bookId}")
	common.bind(fs, 0, 0)
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if err := common.check(); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return usageError{"hammer: give at least one URL"}
	case cfg.Conns < 1:
		return usageError{"-c must be at least 1"}
	case cfg.Duration <= 0 || cfg.Warmup < 0:
		return usageError{"-d must be positive and -warmup not negative"}
	case nIDs < 1:
		return usageError{"-ids must be at least 1"}
	}
	var origin string
	for _, raw := range fs.Args() {
		o, err := baseURL(raw)
		if err != nil {
			return err
		}
		if origin != "" && o != origin {
			return usageError{"hammer: every URL must be on the same host"}
		}
		origin = o
		cfg.URLs = append(cfg.URLs, raw)
	}

	hc := newHTTPClient(cfg.Conns, common.timeout)
	if err := waitReady(ctx, hc, origin, common.wait, common.pid); err != nil {
		return err
	}
	var ids []string
	if strings.Contains(strings.Join(cfg.URLs, " "), bookIDPlaceholder) {
		var err error
		if ids, err = collectBookIDs(ctx, hc, origin, nIDs); err != nil {
			return err
		}
	}
	watch := watchRun(common.pid)
	samples, errs, elapsed := runHammer(ctx, hc, cfg, ids)
	r := report{
		Title:   fmt.Sprintf("loadgen hammer: %d connections, %s measured after %s of warm-up", cfg.Conns, cfg.Duration, cfg.Warmup),
		Elapsed: elapsed,
	}
	if len(ids) > 0 {
		r.Setup = fmt.Sprintf("%d book ids read for %s", len(ids), bookIDPlaceholder)
	}
	for i, u := range cfg.URLs {
		r.Routes = append(r.Routes, summarize(routeName(u), samples, func(s sample) bool { return int(s.route) == i }))
	}
	r.Total = summarize("all requests", samples, func(sample) bool { return true })
	watch.Stop(&r)
	return finish(ctx, r, errs, common.limits, stdout)
}

// finish completes r with its errors and thresholds, prints it, and returns
// errThresholds if a threshold was missed.
func finish(ctx context.Context, r report, errs map[string]int, limits thresholds, stdout io.Writer) error {
	r.Errors = topErrors(errs, 10)
	r.Checks = limits.check(r.Total)
	if err := r.Write(stdout); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return errors.New("interrupted")
	case r.Total.Count == 0:
		return errors.New("no request was measured")
	case r.Failed():
		return errThresholds
	}
	return nil
}

// baseURL returns the scheme and host of raw, which must be an absolute
// http(s) URL.
func baseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageError{fmt.Sprintf("%q is not an http(s) URL such as http://localhost:8080", raw)}
	}
	return u.Scheme + "://" + u.Host, nil
}

// parseFlags parses args with fs, turning flag errors into usage errors.
// Arguments after the flags are allowed only when positional is true.
func parseFlags(fs *flag.FlagSet, args []string, positional bool) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if !positional && fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
