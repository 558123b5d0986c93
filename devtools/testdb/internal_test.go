package testdb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/shared/migrate"
)

func TestDatabaseURL(t *testing.T) {
	for _, tc := range []struct{ admin, want string }{
		{"postgres://u:p@db.example:5433/postgres?sslmode=require", "postgres://u:p@db.example:5433/test_1?sslmode=require"},
		{"postgresql://u@h", "postgresql://u@h/test_1"},
		{"host=h user=u dbname=postgres", "host=h user=u dbname=postgres dbname=test_1"},
	} {
		if got := databaseURL(tc.admin, "test_1"); got != tc.want {
			t.Errorf("databaseURL(%q) = %q, want %q", tc.admin, got, tc.want)
		}
		cfg, err := pgxpool.ParseConfig(databaseURL(tc.admin, "test_1"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ConnConfig.Database != "test_1" {
			t.Errorf("databaseURL(%q) connects to %q, want test_1", tc.admin, cfg.ConnConfig.Database)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, conn := range []string{"postgres://u:secret@h/db", "host=h password=secret"} {
		if got := redact(conn); strings.Contains(got, "secret") {
			t.Errorf("redact(%q) = %q", conn, got)
		}
	}
}

func TestTemplateName(t *testing.T) {
	a := source(t, "shop", "CREATE TABLE shop.a (id int)")
	b := source(t, "shop", "CREATE TABLE shop.b (id int)")
	c := source(t, "shelf", "CREATE TABLE shop.a (id int)")
	name := templateName([]migrate.Source{a})
	if len(name) != len("tmpl_")+12 || !strings.HasPrefix(name, "tmpl_") {
		t.Errorf("templateName = %q, want tmpl_ and 12 hex digits", name)
	}
	if again := templateName([]migrate.Source{source(t, "shop", "CREATE TABLE shop.a (id int)")}); again != name {
		t.Errorf("same migrations named %q and %q", name, again)
	}
	for _, other := range [][]migrate.Source{{b}, {c}, {a, b}, {b, a}} {
		if got := templateName(other); got == name {
			t.Errorf("templateName(%v) = %q, the same as a different set's", other, got)
		}
	}
}

// Many goroutines asking at once for databases of one new migration set get
// them, from one template.
func TestNewDatabaseConcurrently(t *testing.T) {
	ctx := context.Background()
	srv := mustServer(t)
	src := source(t, "shop", "CREATE TABLE shop.t (id int); -- "+t.Name()+time.Now().String())
	const n = 16
	var wg sync.WaitGroup
	dbs := make([]database, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = srv.newDatabase(ctx, []migrate.Source{src}) })
	}
	wg.Wait()
	seen := make(map[string]bool)
	for i := range n {
		if errs[i] != nil {
			t.Errorf("newDatabase %d: %v", i, errs[i])
			continue
		}
		if seen[dbs[i].name] {
			t.Errorf("database %s handed out twice", dbs[i].name)
		}
		seen[dbs[i].name] = true
		if err := srv.drop(ctx, dbs[i].name); err != nil {
			t.Error(err)
		}
	}
}

func TestTemplateDatabases(t *testing.T) {
	ctx := context.Background()
	srv := mustServer(t)
	src := source(t, "shop", "CREATE TABLE shop.t (id int); -- "+t.Name()+time.Now().String())
	db, err := srv.newDatabase(ctx, []migrate.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.drop(ctx, db.name)
	name := templateName([]migrate.Source{src})
	if got := databases(t, srv, name); got != "template" {
		t.Errorf("%s is %s, want a template", name, got)
	}
	if got := databases(t, srv, name+"_build"); got != "missing" {
		t.Errorf("%s_build is %s, want it renamed", name, got)
	}
}

func TestNewDatabaseReportsABadMigration(t *testing.T) {
	srv := mustServer(t)
	src := source(t, "shop", "CREATE TABLE shop.t (id no_such_type)")
	_, err := srv.newDatabase(context.Background(), []migrate.Source{src})
	if err == nil || !strings.Contains(err.Error(), "0001_only.sql") || !strings.Contains(err.Error(), "no_such_type") {
		t.Fatalf("newDatabase with a bad migration: %v; want an error naming the file and the problem", err)
	}
	name := templateName([]migrate.Source{src})
	for _, db := range []string{name, name + "_build"} {
		if got := databases(t, srv, db); got != "missing" {
			t.Errorf("after the failed build, %s is %s, want it missing", db, got)
		}
	}
	// The error is remembered: the next test with it fails at once.
	if _, again := srv.newDatabase(context.Background(), []migrate.Source{src}); again == nil {
		t.Error("second newDatabase with the bad migration succeeded")
	}
}

// databases says whether database name is missing, a template or a plain database.
func databases(t *testing.T, srv *server, name string) string {
	t.Helper()
	var isTemplate []bool
	rows, err := srv.admin.Query(context.Background(), "SELECT datistemplate FROM pg_database WHERE datname = $1", name)
	if err == nil {
		isTemplate, err = pgx.CollectRows(rows, pgx.RowTo[bool])
	}
	switch {
	case err != nil:
		t.Fatal(err)
	case len(isTemplate) == 0:
		return "missing"
	case isTemplate[0]:
		return "template"
	}
	return "plain"
}

// BenchmarkNew measures what a test waits for to get a migrated database:
// clone the (already built) template, open a pool and connect, plus, in
// the drop variant, closing the pool and dropping the database as the
// cleanup does.
func BenchmarkNew(b *testing.B) {
	ctx := context.Background()
	srv := mustServer(b)
	srcs := []migrate.Source{benchSource(b)}
	if _, err := srv.newDatabase(ctx, srcs); err != nil { // builds the template
		b.Fatal(err)
	}
	for _, withDrop := range []bool{false, true} {
		name := "create+connect"
		if withDrop {
			name = "create+connect+drop"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				db, err := srv.newDatabase(ctx, srcs)
				if err != nil {
					b.Fatal(err)
				}
				pool, err := pgxpool.New(ctx, db.url)
				if err != nil {
					b.Fatal(err)
				}
				if err := pool.Ping(ctx); err != nil {
					b.Fatal(err)
				}
				if !withDrop {
					b.StopTimer()
				}
				pool.Close()
				if err := srv.drop(ctx, db.name); err != nil {
					b.Fatal(err)
				}
				if !withDrop {
					b.StartTimer()
				}
			}
		})
	}
}

// benchSource is a migration set the size of a bounded context's.
func benchSource(tb testing.TB) migrate.Source {
	tb.Helper()
	fsys := fstest.MapFS{}
	for i, sql := range []string{
		`CREATE TABLE bench.books (id uuid PRIMARY KEY, title text NOT NULL, price_cents int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
		`CREATE INDEX books_title_idx ON bench.books (title, id)`,
		`CREATE TABLE bench.authors (id uuid PRIMARY KEY, name text NOT NULL)`,
		`CREATE TABLE bench.book_authors (book_id uuid NOT NULL REFERENCES bench.books, author_id uuid NOT NULL REFERENCES bench.authors, PRIMARY KEY (book_id, author_id))`,
		`CREATE TABLE bench.reviews (id uuid PRIMARY KEY, book_id uuid NOT NULL REFERENCES bench.books, votes int NOT NULL CHECK (votes BETWEEN 0 AND 5), body text NOT NULL)`,
		`CREATE INDEX reviews_book_idx ON bench.reviews (book_id)`,
	} {
		fsys[fmt.Sprintf("m/%04d_step.sql", i+1)] = &fstest.MapFile{Data: []byte(sql)}
	}
	src, err := migrate.NewSource("bench", fsys, "m")
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

// source is a one-file migration set.
func source(tb testing.TB, schema, sql string) migrate.Source {
	tb.Helper()
	src, err := migrate.NewSource(schema, fstest.MapFS{"m/0001_only.sql": {Data: []byte(sql)}}, "m")
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

func mustServer(tb testing.TB) *server {
	tb.Helper()
	srv, err := processServer()
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}
