package persistence_test

import (
	"context"
	"testing"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/shared/outbox"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// benchStore is the Store as the app wires it: its outbox has one consumer
// (books.sales, not running here), so each order also writes its event and
// one delivery.
func benchStore(pool *pgxpool.Pool) *persistence.Store {
	events := persistence.NewOutbox(pool, outbox.Options{})
	outbox.Subscribe(events, "books.sales", domain.OrderPlacedEvent, func(context.Context, []outbox.Received[domain.OrderEvent]) error { return nil })
	return persistence.NewStore(pool, events)
}

// BenchmarkPlace stores orders of three lines with an idempotency key, one
// at a time (serial) and from many goroutines (parallel): the cost of
// placing an order in the database, which docs/performance.md compares with
// the same benchmark before the outbox.
//
//	go test -run '^$' -bench Place -benchtime 3000x -count 3 ./persistence/
func BenchmarkPlace(b *testing.B) {
	pool := testdb.New(b, persistence.Migrations())
	store := benchStore(pool)
	ctx := context.Background()
	place := func(b *testing.B) {
		o := newOrder(uuid.Must(uuid.NewV7()), 3)
		key, err := domain.NewIdempotencyKey(uuid.NewString())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := store.Place(ctx, o, key, hash(key.String())); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			place(b)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(4) // 8 goroutines on 2 cores, as the app's pool has 8 connections
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				place(b)
			}
		})
	})
}
