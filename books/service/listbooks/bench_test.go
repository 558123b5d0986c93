package listbooks_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/books/infrastructure/demodata"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/devtools/pglocal"
	"example.com/bookapp/shared/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchmarkList times one page of 100 books of the public list, for every
// sort with no filter and with each filter alone, on the first page and on
// a page deep in the list, on catalogues of 100,000 and 500,000 books. It
// reports the median and 95th percentile of the service's List call —
// the database's work (planning included) and the round trip, what an HTTP
// request adds to it left out — as p50-µs and p95-µs.
//
// The deep page is the 1,000th (books 99,901 to 100,000), reached through
// cursors; a filtered list shorter than that is measured at its last full
// page instead (the benchmark logs where). The filters are votes=4,
// year=<ten years ago>, year=upcoming and tag=<the catalogue's rarest tag>,
// the most selective of each kind.
//
// It needs a PostgreSQL cluster that keeps the seeded catalogues between
// runs, in the directory BOOKAPP_BENCH_DIR (make bench-books uses
// .benchdata/): the first run seeds them (about a minute and a half for
// both), later runs only check their size. BOOKAPP_BENCH_BOOKS overrides the
// sizes (comma-separated). It never runs under make test: without
// BOOKAPP_BENCH_DIR it skips.
func BenchmarkList(b *testing.B) {
	dir := os.Getenv("BOOKAPP_BENCH_DIR")
	if dir == "" {
		b.Skip("BOOKAPP_BENCH_DIR is not set: this benchmark seeds catalogues of up to 500,000 books into a persistent cluster there; run it with make bench-books")
	}
	sizes := []int{100_000, 500_000}
	if s := os.Getenv("BOOKAPP_BENCH_BOOKS"); s != "" {
		sizes = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("BOOKAPP_BENCH_BOOKS=%q: want sizes such as 100000,500000", s)
			}
			sizes = append(sizes, n)
		}
	}
	ctx := context.Background()
	cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: dir, Persistent: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := cluster.Stop(context.Background()); err != nil {
			b.Error(err)
		}
	})
	for _, n := range sizes {
		pool, sqls := seededCatalogue(b, cluster, n)
		svc := listbooks.New(pool, time.Now)
		b.Run(fmt.Sprintf("books=%d", n), func(b *testing.B) {
			for _, sort := range []string{"default", "votes", "published", "price", "price_desc", "bestsellers"} {
				for _, f := range benchFilters(b, pool) {
					q := f.q
					q.Sort = sort
					for _, deep := range []bool{false, true} {
						page := "first"
						if deep {
							page = "deep"
							q.Cursor = deepCursor(b, svc, q)
						}
						q.PageSize = new(100)
						b.Run(fmt.Sprintf("sort=%s/filter=%s/page=%s", sort, f.name, page), func(b *testing.B) {
							timePage(b, svc, q)
						})
						if sort == "votes" && f.name == "none" {
							logExplain(b, pool, sqls, svc, q, page)
						}
					}
				}
			}
		})
	}
}

// seededCatalogue returns a pool on the benchmark database of n books,
// creating, migrating and seeding it first if need be, and the recorder of
// its statements.
func seededCatalogue(b *testing.B, cluster *pglocal.Cluster, n int) (*pgxpool.Pool, *statements) {
	b.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("bench_books_%d", n)
	admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		b.Fatal(err)
	}
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
	}
	admin.Close(ctx)
	cfg, err := pgxpool.ParseConfig(cluster.URL(name))
	if err != nil {
		b.Fatal(err)
	}
	sqls := &statements{}
	cfg.ConnConfig.Tracer = sqls
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if _, err := migrate.Up(ctx, pool, persistence.Migrations()); err != nil {
		b.Fatalf("%s: %v (if a migration changed, remove the benchmark cluster's directory)", name, err)
	}
	start := time.Now()
	res, err := demodata.Seed(ctx, pool, demodata.Options{Books: n})
	if err != nil {
		b.Fatal(err)
	}
	if res.Added > 0 {
		b.Logf("%s: seeded %d books and %d reviews in %s", name, res.Added, res.Reviews, time.Since(start).Round(100*time.Millisecond))
	}
	return pool, sqls
}

// A benchFilter is one filter of the benchmark.
type benchFilter struct {
	name string
	q    listbooks.Query
}

func benchFilters(b *testing.B, pool *pgxpool.Pool) []benchFilter {
	b.Helper()
	var rarest string
	err := pool.QueryRow(context.Background(), `
		SELECT t FROM books.books, unnest(tag_names) AS t WHERE deleted_at IS NULL
		GROUP BY t ORDER BY count(*), t LIMIT 1`).Scan(&rarest)
	if err != nil {
		b.Fatal(err)
	}
	return []benchFilter{
		{"none", listbooks.Query{}},
		{"votes", listbooks.Query{Votes: new(4)}},
		{"year", listbooks.Query{Year: new(time.Now().Year() - 10)}},
		{"upcoming", listbooks.Query{Upcoming: true}},
		{"tag", listbooks.Query{Tag: rarest}},
	}
}

// deepDepth is where the deep page starts: after 999 pages of 100.
const deepDepth = 99_900

// deepCursor returns the cursor of the deep page of q: the 1,000th page of
// 100, or the last full one of a shorter list. It walks there with cursors,
// as a client would.
func deepCursor(b *testing.B, svc *listbooks.Service, q listbooks.Query) string {
	b.Helper()
	walk := func(target int) (int, string) {
		n, cursor := 0, ""
		for n < target {
			q.Cursor, q.PageSize = cursor, new(min(900, target-n))
			page, err := svc.List(context.Background(), q)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Items)
			if page.NextCursor == "" {
				return n, ""
			}
			cursor = page.NextCursor
		}
		return n, cursor
	}
	n, cursor := walk(deepDepth)
	if cursor != "" {
		return cursor
	}
	// Shorter than 100,000 books: the start of its last full page.
	target := (n/100 - 1) * 100
	if target <= 0 {
		b.Fatalf("%+v: only %d books, no deep page", q, n)
	}
	_, cursor = walk(target)
	b.Logf("%+v: %d books in all; the deep page is books %d to %d", q, n, target+1, target+100)
	return cursor
}

// timePage times List(q) b.N times and reports the median and 95th
// percentile.
func timePage(b *testing.B, svc *listbooks.Service, q listbooks.Query) {
	ctx := context.Background()
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		page, err := svc.List(ctx, q)
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Items) != 100 {
			b.Fatalf("%+v: %d books, want a full page", q, len(page.Items))
		}
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.95), "p95-µs")
}

// logExplain logs EXPLAIN (ANALYZE, BUFFERS) of q's statement, for
// docs/performance.md.
func logExplain(b *testing.B, pool *pgxpool.Pool, sqls *statements, svc *listbooks.Service, q listbooks.Query, page string) {
	b.Helper()
	ctx := context.Background()
	sqls.record(true)
	_, err := svc.List(ctx, q)
	sql, args := sqls.record(false)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("EXPLAIN (ANALYZE, BUFFERS) of sort=votes, %s page, with arguments %v:\n%s\n%s", page, args, sql, strings.Join(lines, "\n"))
}

// statements records the last statement a pool ran, while asked to.
type statements struct {
	mu   sync.Mutex
	on   bool
	sql  string
	args []any
}

// record switches recording on or off and returns the last statement
// recorded.
func (s *statements) record(on bool) (string, []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = on
	return s.sql, s.args
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		s.sql, s.args = data.SQL, data.Args
	}
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
