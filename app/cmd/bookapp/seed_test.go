package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books"
	"example.com/bookapp/devtools/testdb"
)

// runOK runs bookapp with args against databaseURL and returns its standard
// output, failing the test on an error.
func runOK(t *testing.T, databaseURL string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, env(map[string]string{"DATABASE_URL": databaseURL}), &stdout, &stderr); err != nil {
		t.Fatalf("bookapp %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func wantContains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output\n%s\ndoes not contain %q", out, w)
		}
	}
}

func TestSeedCommand(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmpty(t)
	// Migrates an empty database first.
	out := runOK(t, url, "seed", "--books", "250")
	wantContains(t, out, "seeding: 250 of 250 books (100%), 1,365 reviews", "seeded 250 books and 1,365 reviews in ", "the catalogue holds 250 books")
	out = runOK(t, url, "seed", "-books", "250")
	wantContains(t, out, "nothing to do: the catalogue already holds 250 books (asked for 250)")
	out = runOK(t, url, "seed", "-books", "300")
	wantContains(t, out, "seeded 50 books and ", "the catalogue holds 300 books")
	out = runOK(t, url, "seed", "-books", "1000", "-if-empty")
	wantContains(t, out, "nothing to do: the catalogue is not empty (300 books)")

	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n, copies int
	if err := pool.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE title LIKE '% (copy 1)') FROM books.books`).Scan(&n, &copies); err != nil {
		t.Fatal(err)
	}
	if n != 300 || copies != 0 {
		t.Errorf("%d books, %d first copies; want 300 and none: the first copies come after the base books", n, copies)
	}

	// A catalogue with no books is seeded under -if-empty.
	url = testdb.NewEmpty(t)
	wantContains(t, runOK(t, url, "seed", "-books", "20", "-if-empty"), "seeded 20 books")
}

func TestCheckCacheCommand(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmpty(t)
	runOK(t, url, "seed", "-books", "40")
	wantContains(t, runOK(t, url, "books", "check-cache"), "checked 40 books: every cached value agrees with its rows")

	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var id string
	err = pool.QueryRow(context.Background(), `
		UPDATE books.books SET reviews_count = reviews_count + 1, authors_string = 'Nobody'
		WHERE id = (SELECT id FROM books.books ORDER BY id OFFSET 5 LIMIT 1)
		RETURNING id::text`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"books", "check-cache"}, env(map[string]string{"DATABASE_URL": url}), &stdout, &stderr)
	if !errors.Is(err, errCacheStale) || !strings.Contains(err.Error(), "-fix") {
		t.Errorf("check-cache on a corrupted catalogue: error %v, want errCacheStale naming -fix", err)
	}
	wantContains(t, stdout.String(), "checked 40 books: 2 cached values of 1 books disagree", id+"  authors_string", "Nobody", id+"  reviews_count")

	wantContains(t, runOK(t, url, "books", "check-cache", "-fix"), "2 cached values of 1 books disagree", "fixed: the 1 books now hold the actual values")
	wantContains(t, runOK(t, url, "books", "check-cache"), "every cached value agrees with its rows")
}

func TestSeedAndBooksCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantErr func(error) bool
		wantOut string
	}{
		{args: []string{"seed", "-books", "0"}, wantErr: isUsage},
		{args: []string{"seed", "--books", "-5"}, wantErr: isUsage},
		{args: []string{"seed", "--books", "many"}, wantErr: isUsage, wantOut: `invalid value "many" for flag -books`},
		{args: []string{"seed", "--books", "1e6"}, wantErr: isUsage, wantOut: "invalid value"},
		{args: []string{"seed", "extra"}, wantErr: isUsage},
		{args: []string{"seed", "-h"}, wantErr: isHelp, wantOut: "Tops the book catalogue up to N books"},
		{args: []string{"books"}, wantErr: isUsage, wantOut: "check-cache"},
		{args: []string{"books", "frobnicate"}, wantErr: isUsage, wantOut: "check-cache"},
		{args: []string{"books", "help"}, wantErr: isNil, wantOut: "check-cache"},
		{args: []string{"books", "check-cache", "-fix=maybe"}, wantErr: isUsage},
		{args: []string{"books", "check-cache", "-h"}, wantErr: isHelp, wantOut: "-fix"},
		{args: []string{"help"}, wantErr: isNil, wantOut: "seed "},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			// An unreachable database: none of these may get as far as
			// connecting.
			err := run(context.Background(), tt.args, env(map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}), &out, &out)
			if !tt.wantErr(err) {
				t.Errorf("run error = %v (%T)", err, err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q does not contain %q", out.String(), tt.wantOut)
			}
		})
	}
}

// TestProgress checks both forms of the seeding progress: a bar redrawn in
// place on a terminal, and plain lines elsewhere, with the rate and the time
// left.
func TestProgress(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	var lines bytes.Buffer
	p := newProgress(&lines, now)
	clock = clock.Add(10 * time.Second)
	p.update(books.SeedProgress{Added: 100_000, ToAdd: 500_000, Reviews: 550_000})
	p.finish()
	want := "seeding: 100,000 of 500,000 books (20%), 550,000 reviews, 10,000 books/s, ETA 40s\n"
	if lines.String() != want {
		t.Errorf("plain progress = %q, want %q", lines.String(), want)
	}

	var bar bytes.Buffer
	p = newProgress(&bar, now)
	p.terminal = true
	clock = clock.Add(20 * time.Second)
	p.update(books.SeedProgress{Added: 250_000, ToAdd: 500_000})
	p.update(books.SeedProgress{Added: 500_000, ToAdd: 500_000})
	p.finish()
	want = "\r[###############...............]  50% 250,000/500,000 books  12,500 books/s  ETA 20s     " +
		"\r[##############################] 100% 500,000/500,000 books  25,000 books/s  ETA 0s      \n"
	if bar.String() != want {
		t.Errorf("bar = %q, want %q", bar.String(), want)
	}
	if isTerminal(&bar) {
		t.Error("a buffer is not a terminal")
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 546_000: "546,000", 2_730_000: "2,730,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
