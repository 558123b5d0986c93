package bus_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"example.com/bookapp/app/bus"
	"example.com/bookapp/devtools/natslocal"
	"example.com/bookapp/shared/broker"
)

// The shape of books.for-order: a few ids in, a title and a price each out.
type (
	forOrderReq struct{ BookIDs [][16]byte }
	forOrderRep struct {
		Books []struct {
			ID               [16]byte
			Title            string
			ActualPriceCents int64
			Found, Deleted   bool
		}
	}
	askerReq struct{ BookIDs [][16]byte }
	askerRep struct {
		Books []struct {
			ID               [16]byte
			Title            string
			ActualPriceCents int64
			Found            bool
		}
	}
)

func forOrder(_ context.Context, r forOrderReq) (forOrderRep, error) {
	var rep forOrderRep
	rep.Books = make([]struct {
		ID               [16]byte
		Title            string
		ActualPriceCents int64
		Found, Deleted   bool
	}, len(r.BookIDs))
	for i, id := range r.BookIDs {
		rep.Books[i].ID, rep.Books[i].Title, rep.Books[i].ActualPriceCents, rep.Books[i].Found = id, "A book title of some length", 1299, true
	}
	return rep, nil
}

// BenchmarkAsk times one ask of three books, one at a time, in the process
// and over NATS on localhost (the server in this process, the provider on a
// connection of its own), and reports the median round trip.
func BenchmarkAsk(b *testing.B) {
	req := askerReq{BookIDs: [][16]byte{{1}, {2}, {3}}}
	run := func(b *testing.B, asker *broker.Asker[askerReq, askerRep]) {
		ctx := context.Background()
		times := make([]time.Duration, 0, b.N)
		for b.Loop() {
			start := time.Now()
			if _, err := asker.Ask(ctx, req); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds())/1e3, "p99-µs")
	}
	b.Run("in-process", func(b *testing.B) {
		br := broker.New()
		if err := broker.Handle(br, "books.for-order", forOrder); err != nil {
			b.Fatal(err)
		}
		run(b, broker.Expect[askerReq, askerRep](br, "books.for-order"))
	})
	b.Run("nats", func(b *testing.B) {
		url := natslocal.New(b).URL()
		provider := broker.New()
		if err := broker.Handle(provider, "books.for-order", forOrder); err != nil {
			b.Fatal(err)
		}
		pb, err := bus.Connect(context.Background(), url, "provider", time.Second, quiet)
		if err != nil {
			b.Fatal(err)
		}
		defer pb.Close()
		if err := pb.Serve(provider); err != nil {
			b.Fatal(err)
		}
		ab, err := bus.Connect(context.Background(), url, "asker", time.Second, quiet)
		if err != nil {
			b.Fatal(err)
		}
		defer ab.Close()
		run(b, broker.Expect[askerReq, askerRep](broker.New(broker.WithRemote(ab)), "books.for-order"))
	})
}
