package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"example.com/bookapp/shared/outbox"
)

// BenchmarkRelay publishes b.N events (ten per aggregate, each aggregate's
// in one transaction), then times one relay (Run) delivering them all to a
// consumer whose effect is a real one — the inbox entry and a counter row,
// in one statement per batch — with batches of 1, 10 and 100 events. It
// reports the events delivered per second, from the relay's start to the
// last recorded delivery.
//
//	go test -run '^$' -bench Relay -benchtime 20000x ./outbox/
func BenchmarkRelay(b *testing.B) {
	for _, batch := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			pool := newDB(b)
			o := newOutbox(pool, outbox.Options{BatchSize: batch, Log: quiet})
			outbox.Subscribe(o, "sink.counter", changed, apply(pool, "sink.counter", nil))
			publish(b, pool, o, ids((b.N+9)/10), 10)
			total := count(b, pool, `SELECT count(*) FROM shop.outbox_deliveries`)
			b.ResetTimer()
			start := time.Now()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- o.Run(ctx) }()
			for count(b, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE delivered_at IS NULL`) > 0 {
				time.Sleep(5 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			if n := count(b, pool, `SELECT coalesce(sum(applied), 0) FROM sink.effects`); n != total {
				b.Fatalf("%d effects applied, want %d", n, total)
			}
			b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
		})
	}
}
