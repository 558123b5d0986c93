package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2), 50, 1 * time.Millisecond},
		{ms(1, 2), 51, 2 * time.Millisecond},
		{ms(15, 20, 35, 40, 50), 30, 20 * time.Millisecond}, // the textbook example of nearest rank
		{ms(15, 20, 35, 40, 50), 40, 20 * time.Millisecond},
		{ms(15, 20, 35, 40, 50), 50, 35 * time.Millisecond},
		{ms(15, 20, 35, 40, 50), 100, 50 * time.Millisecond},
		{ms(hundred...), 95, 95 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 99.5, 100 * time.Millisecond},
		{ms(hundred...), 0, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %g) = %s, want %s", tt.sorted, tt.p, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	rec := newRecorder()
	// Route 0: 1..200 ms in reverse order, every 50th failed; route 1: one request.
	for i := 200; i >= 1; i-- {
		failed := i%50 == 0
		rec.record(0, i%2, time.Duration(i)*time.Millisecond, failed, fmt.Sprintf("route 0: status %d", 500+i%3))
	}
	rec.record(1, 0, 3*time.Millisecond, false, "")
	samples, errors := merge([]*recorder{rec, newRecorder()})

	got := summarize("route 0", samples, func(s sample) bool { return s.route == 0 })
	want := summary{Name: "route 0", Count: 200, Errors: 4, Avg: 100500 * time.Microsecond,
		P50: 100 * time.Millisecond, P95: 190 * time.Millisecond, P99: 198 * time.Millisecond, Max: 200 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if r := got.ErrorRate(); r != 0.02 {
		t.Errorf("error rate %g, want 0.02", r)
	}
	odd := summarize("odd stage", samples, func(s sample) bool { return s.stage == 1 })
	if odd.Count != 100 || odd.Max != 199*time.Millisecond {
		t.Errorf("stage 1: %d requests, max %s; want 100, 199ms", odd.Count, odd.Max)
	}
	if none := summarize("none", samples, func(sample) bool { return false }); none != (summary{Name: "none"}) || none.ErrorRate() != 0 {
		t.Errorf("summary of nothing = %+v", none)
	}
	// 50, 100, 150, 200 failed: statuses 502, 501, 500, 502.
	wantErrors := []errorCount{{"route 0: status 502", 2}, {"route 0: status 500", 1}, {"route 0: status 501", 1}}
	if diff := cmp.Diff(wantErrors, topErrors(errors, 10)); diff != "" {
		t.Errorf("top errors (-want +got):\n%s", diff)
	}
	if got := topErrors(errors, 1); len(got) != 1 || got[0].Count != 2 {
		t.Errorf("topErrors(_, 1) = %v", got)
	}
}

func TestMergeKeepsEveryRecordersSamples(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	a.record(0, 0, time.Millisecond, true, "boom")
	b.record(1, 2, 2*time.Millisecond, true, "boom")
	b.record(1, 2, 3*time.Millisecond, false, "")
	samples, errors := merge([]*recorder{a, b})
	want := []sample{{0, 0, true, time.Millisecond}, {1, 2, true, 2 * time.Millisecond}, {1, 2, false, 3 * time.Millisecond}}
	if diff := cmp.Diff(want, samples, cmp.AllowUnexported(sample{})); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"boom": 2}, errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
