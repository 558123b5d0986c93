package main

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"
)

// A sample is the outcome of one request: which route (an index into the
// run's route names) and stage it belongs to, how long it took until its
// body was read, and whether it failed.
type sample struct {
	route   uint16
	stage   uint16
	failed  bool
	latency time.Duration
}

// A recorder collects one worker's samples and error messages. It is not
// safe for concurrent use: each worker has its own, and the run merges them
// at the end, so recording never contends for a lock.
type recorder struct {
	samples []sample
	errors  map[string]int // message → count
}

func newRecorder() *recorder {
	return &recorder{samples: make([]sample, 0, 4096), errors: map[string]int{}}
}

// record adds one request's outcome; msg says what went wrong when failed.
func (r *recorder) record(route, stage int, latency time.Duration, failed bool, msg string) {
	r.samples = append(r.samples, sample{route: uint16(route), stage: uint16(stage), failed: failed, latency: latency})
	if failed {
		r.errors[msg]++
	}
}

// merge returns every recorder's samples and error counts together.
func merge(recs []*recorder) ([]sample, map[string]int) {
	n := 0
	for _, r := range recs {
		n += len(r.samples)
	}
	all, errors := make([]sample, 0, n), map[string]int{}
	for _, r := range recs {
		all = append(all, r.samples...)
		for msg, c := range r.errors {
			errors[msg] += c
		}
	}
	return all, errors
}

// A summary describes the latencies of a set of requests. Every request
// counts, failed ones too (as k6 counts them): a fast error must not hide a
// slow endpoint, and the error rate is reported beside it.
type summary struct {
	Name                    string
	Count, Errors           int
	Avg, P50, P95, P99, Max time.Duration
}

// ErrorRate is the share of requests that failed, 0 when there were none.
func (s summary) ErrorRate() float64 {
	if s.Count == 0 {
		return 0
	}
	return float64(s.Errors) / float64(s.Count)
}

// summarize describes the samples that keep accepts. The percentiles are
// exact: every latency is kept and sorted.
func summarize(name string, samples []sample, keep func(sample) bool) summary {
	var lat []time.Duration
	s := summary{Name: name}
	var sum time.Duration
	for _, x := range samples {
		if !keep(x) {
			continue
		}
		lat = append(lat, x.latency)
		sum += x.latency
		if x.failed {
			s.Errors++
		}
	}
	s.Count = len(lat)
	if s.Count == 0 {
		return s
	}
	slices.Sort(lat)
	s.Avg = sum / time.Duration(s.Count)
	s.P50, s.P95, s.P99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	s.Max = lat[len(lat)-1]
	return s
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value that at least p % of the values
// do not exceed. It is always one of the measured values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// An errorCount is one error message and how often it happened.
type errorCount struct {
	Msg   string
	Count int
}

// topErrors returns the n most frequent error messages, most frequent first,
// ties by message so the report is stable.
func topErrors(errors map[string]int, n int) []errorCount {
	out := make([]errorCount, 0, len(errors))
	for _, msg := range slices.Sorted(maps.Keys(errors)) {
		out = append(out, errorCount{msg, errors[msg]})
	}
	slices.SortStableFunc(out, func(a, b errorCount) int { return cmp.Compare(b.Count, a.Count) })
	return out[:min(n, len(out))]
}
