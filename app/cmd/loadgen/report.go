package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// A report is what a run measured, ready to print.
type report struct {
	Title   string        // what ran, on one line
	Setup   string        // what happened before measuring, "" if nothing
	Routes  []summary     // per endpoint, in the order the run calls them
	Total   summary       // every measured request
	Elapsed time.Duration // wall time of the measured part
	Stages  []stageLine   // per profile stage; none for a single-stage run
	Errors  []errorCount  // the most frequent error messages
	Machine string        // the machine's cores and load
	CPU     *cpuReport    // who used the CPU during the run
	Memory  *memoryReport // the app's memory, when its pid was given
	Checks  []check       // thresholds; any failed check fails the run
}

// A stageLine is one profile stage's share of a run.
type stageLine struct {
	Label string
	summary
	Rate float64 // requests per second within the stage
}

// A check is one threshold, passed or not.
type check struct {
	Text string // "p95 12.3 ms < 500 ms"
	OK   bool
}

// Rate is the measured requests per second over the whole run.
func (r report) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Total.Count) / r.Elapsed.Seconds()
}

// Failed reports whether a threshold was missed.
func (r report) Failed() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return true
		}
	}
	return false
}

// Write prints the report as plain text: a table of endpoints, then
// throughput, stages, errors, memory and thresholds.
func (r report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Title)
	if r.Setup != "" {
		fmt.Fprintf(&b, "setup: %s\n", r.Setup)
	}
	b.WriteByte('\n')

	width := len("all requests")
	for _, s := range r.Routes {
		width = max(width, len(s.Name))
	}
	for _, s := range r.Stages {
		width = max(width, len(s.Label))
	}
	fmt.Fprintf(&b, "%-*s %9s %7s %8s %8s %8s %8s %8s\n", width, "endpoint", "requests", "errors",
		"avg ms", "p50 ms", "p95 ms", "p99 ms", "max ms")
	row := func(name string, s summary) {
		fmt.Fprintf(&b, "%-*s %9d %7d %8s %8s %8s %8s %8s\n", width, name, s.Count, s.Errors,
			ms(s.Avg), ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	for _, s := range r.Routes {
		row(s.Name, s)
	}
	row("all requests", r.Total)

	fmt.Fprintf(&b, "\nthroughput: %.1f req/s over %s; errors: %d of %d (%.3f %%)\n",
		r.Rate(), r.Elapsed.Round(100*time.Millisecond), r.Total.Errors, r.Total.Count, 100*r.Total.ErrorRate())

	if len(r.Stages) > 1 {
		fmt.Fprintf(&b, "\n%-*s %9s %7s %8s %8s %8s\n", width, "stage", "requests", "errors", "req/s", "p95 ms", "p99 ms")
		for _, s := range r.Stages {
			fmt.Fprintf(&b, "%-*s %9d %7d %8.1f %8s %8s\n", width, s.Label, s.Count, s.Errors, s.Rate, ms(s.P95), ms(s.P99))
		}
	}
	if len(r.Errors) > 0 {
		b.WriteString("\nerrors (most frequent first):\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  %7d  %s\n", e.Count, e.Msg)
		}
	}
	if r.Machine != "" || r.CPU != nil || r.Memory != nil {
		b.WriteByte('\n')
	}
	if r.Machine != "" {
		fmt.Fprintf(&b, "machine: %s\n", r.Machine)
	}
	if c := r.CPU; c != nil {
		fmt.Fprintf(&b, "CPU, cores busy on average: ")
		if c.HasApp {
			fmt.Fprintf(&b, "app %.2f, ", c.App)
		}
		fmt.Fprintf(&b, "loadgen %.2f, whole machine %.2f of %d\n", c.Self, c.Machine, c.Cores)
		if c.HasApp && r.Rate() > 0 {
			// Steadier than req/s on a shared machine: it does not depend
			// on how much CPU the app was left.
			fmt.Fprintf(&b, "app CPU per request: %.3f ms\n", 1000*c.App/r.Rate())
		}
	}
	if m := r.Memory; m != nil {
		fmt.Fprintf(&b, "app memory: peak RSS %s during the run (sampled VmRSS; %s at its start), %s since the app started (VmHWM)",
			mib(m.PeakRSS), mib(m.StartRSS), mib(m.HWM))
		if m.Err != nil {
			fmt.Fprintf(&b, "; sampling stopped early: %v", m.Err)
		}
		b.WriteByte('\n')
	}
	if len(r.Checks) > 0 {
		b.WriteString("\nthresholds:\n")
		for _, c := range r.Checks {
			verdict := "ok  "
			if !c.OK {
				verdict = "FAIL"
			}
			fmt.Fprintf(&b, "  %s  %s\n", verdict, c.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ms formats d in milliseconds with one decimal, or "-" for none.
func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
}

// limitMs formats a limit in milliseconds with no needless decimals: "500".
func limitMs(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64)
}

// mib formats a size in bytes as MiB with one decimal.
func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// thresholds are the limits a run must stay below. A zero limit is not
// checked.
type thresholds struct {
	ErrorPercent float64       // errors as a percentage of requests
	P95, P99     time.Duration // latency percentiles over every request
}

// check compares s, the summary of every request of a run, with t.
func (t thresholds) check(s summary) []check {
	var checks []check
	if t.ErrorPercent > 0 {
		pct := 100 * s.ErrorRate()
		checks = append(checks, check{fmt.Sprintf("error rate %.3f %% < %g %%", pct, t.ErrorPercent), pct < t.ErrorPercent})
	}
	if t.P95 > 0 {
		checks = append(checks, check{fmt.Sprintf("p95 %s ms < %s ms", ms(s.P95), limitMs(t.P95)), s.P95 < t.P95})
	}
	if t.P99 > 0 {
		checks = append(checks, check{fmt.Sprintf("p99 %s ms < %s ms", ms(s.P99), limitMs(t.P99)), s.P99 < t.P99})
	}
	return checks
}
