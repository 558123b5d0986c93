package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkPlaceOrderShapes places orders one at a time through the API
// (POST /api/orders: books asked for the titles and prices, users for the
// address), with every context in one process, and with books and users in
// processes of their own over NATS, and reports the median and p99. Back to
// back, each order's asynchronous work (its event relayed and applied)
// competes with the next order for the two cores; paced, 20 ms apart, each
// order meets a machine that has finished the last one's.
//
//	go run ./app/cmd/withpg -- sh -c 'cd app/cmd/bookapp && go test -run "^$" -bench PlaceOrderShapes -benchtime 2000x .'
func BenchmarkPlaceOrderShapes(b *testing.B) {
	bin := buildApp(b)
	for _, pace := range []time.Duration{0, 20 * time.Millisecond} {
		for _, shape := range []struct {
			name string
			up   func(testing.TB) *deployment
		}{
			{"one-process", func(t testing.TB) *deployment { return oneProcess(t, bin) }},
			{"split-one-database", func(t testing.TB) *deployment { return split(t, bin, 1) }},
			{"split-three-databases", func(t testing.TB) *deployment { return split(t, bin, 3) }},
		} {
			name := shape.name
			if pace > 0 {
				name += "-paced"
			}
			b.Run(name, func(b *testing.B) {
				d := shape.up(b)
				admin := signIn(b, d.users, splitAdmin, splitPassword)
				book := addBook(b, d.books, admin, "Dune", 10)
				ann := signUp(b, d.users, "ann@example.com", "Ann", "correct horse battery")
				send(b, "PUT", d.users+"/api/users/me/address", ann, map[string]string{
					"line1": "1 Main St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"})
				order := orderOf(book, 1)
				var times []time.Duration
				before := map[string]time.Duration{}
				for name, p := range d.procs {
					before[name] = cpuOf(b, p.cmd.Process.Pid)
				}
				for b.Loop() {
					start := time.Now()
					if status, body := send(b, "POST", d.orders+"/api/orders", ann, order); status != http.StatusCreated {
						b.Fatalf("place = %d %s", status, body)
					}
					times = append(times, time.Since(start))
					if pace > 0 {
						b.StopTimer()
						time.Sleep(pace)
						b.StartTimer()
					}
				}
				for name, p := range d.procs {
					used := cpuOf(b, p.cmd.Process.Pid) - before[name]
					b.ReportMetric(float64(used.Microseconds())/float64(len(times)), strings.ReplaceAll(name, ",", "+")+"-cpu-µs/op")
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}

// cpuOf returns the CPU time (user and system) process pid has used, from
// /proc (Linux).
func cpuOf(tb testing.TB, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The fields after the command's closing parenthesis; utime and stime
	// are the 12th and 13th of them, in clock ticks (100 a second).
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
