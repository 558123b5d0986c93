package listbooks

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchmarkPage reads the first page of 100 books by votes, the SQL half of
// GET /api/books?pageSize=100, on a pool with pgx's own handling of
// google/uuid ids (through text: uuid.UUID is a database/sql Scanner to
// pgx) and on one with pgtx.RegisterUUID (sixteen bytes), side by side.
// docs/performance.md records it:
//
//	go run ./app/cmd/withpg -- sh -c 'cd books && go test -run "^$" -bench Page -benchmem -count 5 ./persistence/listbooks/'
func BenchmarkPage(b *testing.B) {
	ctx := context.Background()
	registered := newPlanDB(b) // testdb's pools register the codec, as the app's do
	cfg := registered.Config()
	cfg.AfterConnect = nil
	plain, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	for _, p := range []struct {
		name string
		pool *pgxpool.Pool
	}{{"uuid=pgx", plain}, {"uuid=RegisterUUID", registered}} {
		b.Run(p.name, func(b *testing.B) {
			q := New(p.pool)
			b.ReportAllocs()
			for b.Loop() {
				books, err := q.Books(ctx, Query{Sort: ByVotes, Limit: 100})
				if err != nil || len(books) != 100 {
					b.Fatalf("%d books, %v; want 100", len(books), err)
				}
			}
		})
	}
}
