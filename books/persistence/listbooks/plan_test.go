package listbooks

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// migrations reads the context's migrations from their directory: importing
// them from package persistence would break the same-layer rule (archtest
// rule 3) that this package's tests obey too.
func migrations() migrate.Source {
	return migrate.MustSource("books", os.DirFS(".."), "migrations")
}

// newPlanDB returns a database holding a few thousand books with plain
// SQL, vacuumed and analysed: enough rows, and rows wide enough, for the
// planner to weigh its choices as it does on a real catalogue.
func newPlanDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool := testdb.New(t, migrations())
	ctx := context.Background()
	ids := make([]uuid.UUID, 5000)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	for _, sql := range []string{
		`INSERT INTO books.books (id, title, description, published_on, price_cents, actual_price_cents, tag_names,
			reviews_count, votes_sum, deleted_at, created_at)
		 SELECT id, 'Book ' || n, repeat('A long description. ', 40), date '2000-01-01' + (n * 7919 % 10000)::int, n * 31 % 5000, n * 31 % 5000,
			CASE WHEN n % 3 = 0 THEN ARRAY['Go'] ELSE ARRAY['Databases'] END,
			n % 12, (n % 12) * (n % 6) / 2, CASE WHEN n % 50 = 0 THEN now() END, now()
		 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
		`INSERT INTO books.tags (name) VALUES ('Go'), ('Databases')`,
		// The tag rows with their copies of the books' list keys, as the
		// write path keeps them.
		`INSERT INTO books.book_tags (book_id, tag_name, created_at, average_votes, published_on, actual_price_cents, deleted_at)
		 SELECT id, unnest(tag_names), created_at, average_votes, published_on, actual_price_cents, deleted_at FROM books.books`,
		`VACUUM ANALYZE books.books, books.book_tags`,
	} {
		var args []any
		if strings.Contains(sql, "$1") {
			args = []any{ids}
		}
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	return pool
}

// TestEverySortReadsItsIndexInOrder checks that the first and later pages of
// every sort, with and without each filter, are an index-only scan of the
// sort's own index (of its year index, for a year; of its tag index, for a
// tag, with or without other filters), in the index's order, with no sort
// step: the proof that the SQL's sort and year expressions match the
// indexes', that the keyset condition is an index bound, and that the index
// holds every column the filters test. The planner is told to avoid sorts and other scans, so that
// "it could not" shows up as a plan with a Sort or another scan.
func TestEverySortReadsItsIndexInOrder(t *testing.T) {
	t.Parallel()
	pool := newPlanDB(t)
	after := &Key{ID: uuid.Must(uuid.NewV7()), CreatedAt: time.Now(), Votes: 2.5, PublishedOn: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), PriceCents: 2500, CopiesSold: 5}
	tests := []struct {
		sort Sort
		// The index of the sort, of the sort with a year, with a tag, and
		// with the upcoming filter.
		index, yearIndex, tagIndex, recentIndex string
	}{
		{ByNewest, "books_newest_idx", "books_year_newest_idx", "book_tags_newest_idx", "books_recent_newest_idx"},
		{ByVotes, "books_votes_idx", "books_year_votes_idx", "book_tags_votes_idx", "books_recent_votes_idx"},
		{ByPublished, "books_published_idx", "books_published_idx", "book_tags_published_idx", "books_published_idx"},
		{ByPrice, "books_price_idx", "books_year_price_idx", "book_tags_price_idx", "books_recent_price_idx"},
		{ByPriceDesc, "books_price_idx", "books_year_price_idx", "book_tags_price_idx", "books_recent_price_idx"},
		{ByBestsellers, "books_bestsellers_idx", "books_year_bestsellers_idx", "book_tags_bestsellers_idx", "books_recent_bestsellers_idx"},
	}
	filters := map[string]Filter{
		"none":     {},
		"votes":    {MinVotes: 3},
		"year":     {Year: 2010},
		"upcoming": {PublishedAfter: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		"tag":      {Tag: "Go"},
		"all":      {MinVotes: 1, Year: 2010, Tag: "Go"},
		"tag+up":   {Tag: "Databases", PublishedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		"votes+up": {MinVotes: 3, PublishedAfter: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		for fname, f := range filters {
			for _, a := range []*Key{nil, after} {
				for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
					name := fmt.Sprintf("%s/%s/first=%t/%s", tt.index, fname, a == nil, mode)
					t.Run(name, func(t *testing.T) {
						sql, args, err := booksSQL(Query{Sort: tt.sort, Filter: f, After: a, Limit: 101})
						if err != nil {
							t.Fatal(err)
						}
						plan := explain(t, pool, sql, args, mode)
						index := tt.index
						switch {
						case f.Tag != "":
							index = tt.tagIndex
						case f.Year != 0:
							index = tt.yearIndex
						case !f.PublishedAfter.IsZero() && !f.PublishedAfter.Before(recentSince):
							index = tt.recentIndex
						}
						// A page whose filters are all ranges of its index
						// is one step, an index scan reading the page's
						// rows; the others find the page's ids in an
						// index-only scan first.
						want := "Index Only Scan using " + index
						if !strings.Contains(sql, ") AS page") {
							want = "Index Scan using " + index
						}
						if got := plan.scan(); got != want {
							t.Errorf("plan reads %q, want %s:\n%s", got, want, plan.raw)
						}
						if plan.has("Sort") || plan.has("Hash Join") || plan.has("Merge Join") {
							t.Errorf("plan sorts or joins more than the page:\n%s", plan.raw)
						}
						if a != nil && !plan.indexCond() {
							t.Errorf("the cursor is not an index condition:\n%s", plan.raw)
						}
						// A planner that does not know the limit (a
						// parameter, in a generic plan) plans for a tenth of
						// the table, and on a big one joins all of it.
						if rows := plan.limitRows(); rows > 101 {
							t.Errorf("the plan's limit expects %v rows, want at most 101:\n%s", rows, plan.raw)
						}
					})
				}
			}
		}
	}
	// Filters that are ranges of the sort's index are index conditions too.
	for _, q := range []Query{
		{Sort: ByVotes, Filter: Filter{MinVotes: 4}, Limit: 101},
		{Sort: ByPublished, Filter: Filter{Year: 2010}, Limit: 101},
		{Sort: ByPublished, Filter: Filter{PublishedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, Limit: 101},
		{Sort: ByPrice, Filter: Filter{Year: 2010}, Limit: 101},
	} {
		sql, args, err := booksSQL(q)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, pool, sql, args, "force_custom_plan")
		if plan.has("Sort") || !plan.indexCond() {
			t.Errorf("%+v: the filter is not an index range:\n%s", q.Filter, plan.raw)
		}
	}
	// With a tag too: the range follows the tag's equality in the tag
	// index.
	for _, q := range []struct {
		query  Query
		column string // the column of the range
	}{
		{Query{Sort: ByVotes, Filter: Filter{MinVotes: 4, Tag: "Go"}, Limit: 101}, "average_votes"},
		{Query{Sort: ByPublished, Filter: Filter{Year: 2010, Tag: "Go"}, Limit: 101}, "published_on"},
		{Query{Sort: ByPublished, Filter: Filter{PublishedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Tag: "Go"}, Limit: 101}, "published_on"},
	} {
		sql, args, err := booksSQL(q.query)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, pool, sql, args, "force_custom_plan")
		if cond := plan.indexConds(); plan.has("Sort") || !strings.Contains(cond, "tag_name") || !strings.Contains(cond, q.column) {
			t.Errorf("%+v: the filter is not a range of the tag index (index conditions %q):\n%s", q.query.Filter, cond, plan.raw)
		}
	}
}

// literal writes an argument of the list's statements as SQL.
func literal(t *testing.T, v any) string {
	switch v := v.(type) {
	case uuid.UUID:
		return "'" + v.String() + "'"
	case time.Time:
		return "'" + v.Format(time.DateOnly) + "'"
	case float64:
		return fmt.Sprint(v)
	case int, int64:
		return fmt.Sprint(v)
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	t.Fatalf("no literal for %T", v)
	return ""
}

// A plan is the JSON form of EXPLAIN.
type plan struct {
	root map[string]any
	raw  string
}

// explain returns the plan of sql, with sorts and other scans than index
// scans discouraged. planMode is plan_cache_mode: force_custom_plan
// plans for args' values, force_generic_plan for any values, as PostgreSQL
// does for a prepared statement (pgx prepares every statement) after five
// executions when that plan is no costlier.
func explain(t *testing.T, pool *pgxpool.Pool, sql string, args []any, planMode string) plan {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) // the settings
	var raw []byte
	for _, set := range []string{"SET LOCAL enable_sort = off", "SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off",
		"SET LOCAL plan_cache_mode = " + planMode} {
		if _, err := tx.Exec(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	explain := "EXPLAIN (FORMAT JSON) " + sql
	if planMode == "force_generic_plan" {
		// EXPLAIN plans for the values of its parameters; only the
		// execution of a prepared statement can use a generic plan.
		name := "list_" + strings.ReplaceAll(uuid.NewString(), "-", "")
		if _, err := tx.Exec(ctx, "PREPARE "+name+" AS "+sql); err != nil {
			t.Fatal(err)
		}
		defer pool.Exec(ctx, "DEALLOCATE "+name) // on whichever connection: best effort
		values := make([]string, len(args))
		for i, a := range args {
			values[i] = literal(t, a)
		}
		explain = "EXPLAIN (FORMAT JSON) EXECUTE " + name
		if len(values) > 0 {
			explain += "(" + strings.Join(values, ", ") + ")"
		}
		args = nil
	}
	if err := tx.QueryRow(ctx, explain, args...).Scan(&raw); err != nil {
		t.Fatalf("explain: %v", err)
	}
	var doc []struct{ Plan map[string]any }
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("explain output %s: %v", raw, err)
	}
	return plan{root: doc[0].Plan, raw: string(raw)}
}

// walk calls f on every node of the plan.
func (p plan) walk(f func(node map[string]any)) {
	var visit func(n map[string]any)
	visit = func(n map[string]any) {
		f(n)
		children, _ := n["Plans"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				visit(m)
			}
		}
	}
	visit(p.root)
}

// scan returns the first scan node as "<Node Type> using <Index Name>".
func (p plan) scan() string {
	var s string
	p.walk(func(n map[string]any) {
		if typ, _ := n["Node Type"].(string); s == "" && (typ == "Index Scan" || typ == "Seq Scan" || typ == "Bitmap Heap Scan" || typ == "Index Only Scan") {
			idx, _ := n["Index Name"].(string)
			s = typ + " using " + idx
		}
	})
	return s
}

func (p plan) has(nodeType string) bool {
	found := false
	p.walk(func(n map[string]any) { found = found || n["Node Type"] == nodeType })
	return found
}

// limitRows returns the rows the planner expects from the plan's Limit
// node, or 0 if it has none.
func (p plan) limitRows() float64 {
	var rows float64
	p.walk(func(n map[string]any) {
		if n["Node Type"] == "Limit" {
			rows, _ = n["Plan Rows"].(float64)
		}
	})
	return rows
}

func (p plan) indexCond() bool {
	found := false
	p.walk(func(n map[string]any) { _, ok := n["Index Cond"]; found = found || ok })
	return found
}

// indexConds returns the plan's index conditions, joined with " AND ".
func (p plan) indexConds() string {
	var conds []string
	p.walk(func(n map[string]any) {
		if c, ok := n["Index Cond"].(string); ok {
			conds = append(conds, c)
		}
	})
	return strings.Join(conds, " AND ")
}

// TestPgbenchScriptIsTheListStatement checks that the statement make
// bench-http gives pgbench, to compare the page endpoint with, is the one
// the first page of GET /api/books?sort=votes&pageSize=100 runs.
func TestPgbenchScriptIsTheListStatement(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../../scripts/pgbench/list-votes.sql")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "--") {
			lines = append(lines, line)
		}
	}
	script := strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(strings.Join(lines, "\n")), ";")), " ")
	sql, args, err := booksSQL(Query{Sort: ByVotes, Limit: 101})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(strings.Fields(sql), " "); script != want || len(args) != 0 {
		t.Errorf("scripts/pgbench/list-votes.sql runs\n%s\nthe list runs (args %v)\n%s", script, args, want)
	}
}
