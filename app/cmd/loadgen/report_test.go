package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestThresholds(t *testing.T) {
	limits := thresholds{ErrorPercent: 0.1, P95: 500 * time.Millisecond, P99: time.Second}
	tests := []struct {
		name string
		s    summary
		want []bool
	}{
		{"all fine", summary{Count: 10000, Errors: 9, P95: 499 * time.Millisecond, P99: 999 * time.Millisecond},
			[]bool{true, true, true}},
		{"at the limits", summary{Count: 10000, Errors: 10, P95: 500 * time.Millisecond, P99: time.Second},
			[]bool{false, false, false}},
		{"slow tail only", summary{Count: 1, P95: time.Millisecond, P99: 2 * time.Second}, []bool{true, true, false}},
	}
	for _, tt := range tests {
		var got []bool
		for _, c := range limits.check(tt.s) {
			got = append(got, c.OK)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if checks := (thresholds{}).check(summary{Count: 1, Errors: 1}); len(checks) != 0 {
		t.Errorf("zero limits made checks: %v", checks)
	}
	texts := limits.check(summary{Count: 2000, Errors: 1, P95: 12345 * time.Microsecond, P99: 20 * time.Millisecond})
	want := []check{{"error rate 0.050 % < 0.1 %", true}, {"p95 12.3 ms < 500 ms", true}, {"p99 20.0 ms < 1000 ms", true}}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}

func TestReportWrite(t *testing.T) {
	r := report{
		Title: "loadgen scenario",
		Setup: "5 accounts",
		Routes: []summary{
			{Name: "GET /api/books?sort=votes", Count: 1000, Errors: 2, Avg: 2 * time.Millisecond, P50: time.Millisecond,
				P95: 5 * time.Millisecond, P99: 9 * time.Millisecond, Max: 20 * time.Millisecond},
			{Name: "GET /api/orders"},
		},
		Total:   summary{Count: 1000, Errors: 2, P95: 5 * time.Millisecond},
		Elapsed: 4 * time.Second,
		Stages: []stageLine{
			{Label: "ramp 0→2 over 2s", summary: summary{Count: 400}, Rate: 200},
			{Label: "hold 2 for 2s", summary: summary{Count: 600, Errors: 2}, Rate: 300},
		},
		Errors:  []errorCount{{"GET /api/books?sort=votes: status 500: Internal Server Error", 2}},
		Machine: "2 CPUs, load average 1.00 0.50 0.20 before, 1.50 0.60 0.25 after",
		CPU:     &cpuReport{App: 1.2, Self: 0.4, Machine: 1.95, Cores: 2, HasApp: true},
		Memory:  &memoryReport{StartRSS: 60 << 20, PeakRSS: 80 << 20, HWM: 90 << 20, Err: errors.New("gone")},
		Checks:  []check{{"error rate 0.200 % < 0.1 %", false}},
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"loadgen scenario\nsetup: 5 accounts\n",
		"GET /api/books?sort=votes      1000       2      2.0      1.0      5.0      9.0     20.0\n",
		"GET /api/orders                   0       0        -        -        -        -        -\n",
		"throughput: 250.0 req/s over 4s; errors: 2 of 1000 (0.200 %)",
		"hold 2 for 2s                   600       2    300.0",
		"        2  GET /api/books?sort=votes: status 500",
		"\nmachine: 2 CPUs, load average 1.00 0.50 0.20 before, 1.50 0.60 0.25 after\n" +
			"CPU, cores busy on average: app 1.20, loadgen 0.40, whole machine 1.95 of 2\n" +
			"app CPU per request: 4.800 ms\napp memory: peak RSS 80.0 MiB during the run (sampled VmRSS; 60.0 MiB at its start), 90.0 MiB since the app started (VmHWM); sampling stopped early: gone",
		"  FAIL  error rate 0.200 % < 0.1 %\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if !r.Failed() {
		t.Error("a report with a failed check did not fail")
	}
	r.Checks[0].OK = true
	if r.Failed() {
		t.Error("a report with every check passed failed")
	}
}
