package demodata_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/books/infrastructure/demodata"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/devtools/testdb"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

func TestGenerator(t *testing.T) {
	t.Parallel()
	g := demodata.NewGenerator(demodata.DefaultSeed, now)
	again := demodata.NewGenerator(demodata.DefaultSeed, now)
	other := demodata.NewGenerator(42, now)
	titles := make(map[string]bool)
	today := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC)
	differs := 0
	for i := range 3 * demodata.BaseBooks {
		b := g.Book(i)
		if diff := cmp.Diff(b, again.Book(i)); diff != "" {
			t.Fatalf("book %d differs between two generators of one seed:\n%s", i, diff)
		}
		if b.Title != other.Book(i).Title {
			differs++
		}
		if titles[b.Title] {
			t.Errorf("book %d: title %q repeated", i, b.Title)
		}
		titles[b.Title] = true
		if k := i / demodata.BaseBooks; k > 0 {
			if want := fmt.Sprintf("%s (copy %d)", g.Book(i%demodata.BaseBooks).Title, k); b.Title != want {
				t.Errorf("book %d: title %q, want %q", i, b.Title, want)
			}
		}
		if len(b.Reviews) != i%12 {
			t.Errorf("book %d: %d reviews, want %d", i, len(b.Reviews), i%12)
		}
		for _, r := range b.Reviews {
			if r.NumStars < 0 || r.NumStars > 5 || r.VoterName == "" || r.CreatedAt.After(now) {
				t.Errorf("book %d: review %+v", i, r)
			}
		}
		onPromotion := i%7 == 0
		if onPromotion != (b.PromotionText != "") || (onPromotion && b.ActualPriceCents != b.PriceCents/2) ||
			(!onPromotion && b.ActualPriceCents != b.PriceCents) || b.PriceCents <= 0 {
			t.Errorf("book %d: price %d, actual %d, promotion %q", i, b.PriceCents, b.ActualPriceCents, b.PromotionText)
		}
		if b.PublishedOn.Before(today.AddDate(-31, 0, 0)) || b.PublishedOn.After(today.AddDate(0, 7, 0)) ||
			!b.PublishedOn.Equal(b.PublishedOn.Truncate(24*time.Hour)) {
			t.Errorf("book %d: published %v", i, b.PublishedOn)
		}
		if len(b.Authors) < 1 || len(b.Authors) > 3 || len(b.Tags) < 1 || b.Description == "" {
			t.Errorf("book %d: authors %v, tags %v, description %q", i, b.Authors, b.Tags, b.Description)
		}
	}
	if differs < demodata.BaseBooks {
		t.Errorf("another seed changed only %d titles of %d", differs, 3*demodata.BaseBooks)
	}
}

// catalogue is what the test reads back of a seeded database.
type catalogue struct {
	books, reviews, bookAuthors, bookTags int
	titles                                []string // in id order
	stale                                 int      // books whose cached columns, or their tag rows' copies, disagree with their rows
}

func read(t *testing.T, pool *pgxpool.Pool) catalogue {
	t.Helper()
	ctx := context.Background()
	var c catalogue
	err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM books.books), (SELECT count(*) FROM books.reviews),
		(SELECT count(*) FROM books.book_authors), (SELECT count(*) FROM books.book_tags)`).
		Scan(&c.books, &c.reviews, &c.bookAuthors, &c.bookTags)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, "SELECT title FROM books.books ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		c.titles = append(c.titles, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// An independent recomputation, one correlated subquery per column.
	err = pool.QueryRow(ctx, `
		SELECT count(*) FROM books.books b
		WHERE authors_string <> coalesce((SELECT string_agg(a.name, ', ' ORDER BY ba.position)
				FROM books.book_authors ba JOIN books.authors a ON a.id = ba.author_id WHERE ba.book_id = b.id), '')
		   OR tag_names <> coalesce((SELECT array_agg(tag_name ORDER BY tag_name COLLATE "C")
				FROM books.book_tags WHERE book_id = b.id), '{}')
		   OR reviews_count <> (SELECT count(*) FROM books.reviews WHERE book_id = b.id)
		   OR votes_sum <> (SELECT coalesce(sum(num_stars), 0) FROM books.reviews WHERE book_id = b.id)
		   OR EXISTS (SELECT FROM books.book_tags t WHERE t.book_id = b.id
				AND (t.created_at, t.average_votes, t.published_on, t.actual_price_cents, t.deleted_at) IS DISTINCT FROM
					(b.created_at, b.average_votes, b.published_on, b.actual_price_cents, b.deleted_at))`).Scan(&c.stale)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantTitles(from, to int) []string {
	g := demodata.NewGenerator(demodata.DefaultSeed, now)
	var titles []string
	for i := from; i < to; i++ {
		titles = append(titles, g.Book(i).Title)
	}
	return titles
}

func reviewsOf(from, to int) int {
	n := 0
	for i := from; i < to; i++ {
		n += i % 12
	}
	return n
}

// TestSeedTopsUp seeds in several batches, tops up, and finds nothing to do
// when the catalogue is big enough: the books are the generator's sequence,
// in order, each once, with exact cached columns.
func TestSeedTopsUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, persistence.Migrations())
	var progress []demodata.Progress
	res, err := demodata.Seed(ctx, pool, demodata.Options{Books: 700, Now: now, Batch: 300,
		Progress: func(p demodata.Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := (demodata.Result{Before: 0, Added: 700, Reviews: reviewsOf(0, 700)}); res != want {
		t.Errorf("first run = %+v, want %+v", res, want)
	}
	wantProgress := []demodata.Progress{{300, 700, reviewsOf(0, 300)}, {600, 700, reviewsOf(0, 600)}, {700, 700, reviewsOf(0, 700)}}
	if diff := cmp.Diff(wantProgress, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}

	res, err = demodata.Seed(ctx, pool, demodata.Options{Books: 1000, Now: now, Batch: 300})
	if err != nil {
		t.Fatal(err)
	}
	if want := (demodata.Result{Before: 700, Added: 300, Reviews: reviewsOf(700, 1000)}); res != want {
		t.Errorf("top-up = %+v, want %+v", res, want)
	}
	res, err = demodata.Seed(ctx, pool, demodata.Options{Books: 900, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if want := (demodata.Result{Before: 1000}); res != want {
		t.Errorf("run with enough books = %+v, want %+v", res, want)
	}

	c := read(t, pool)
	if diff := cmp.Diff(wantTitles(0, 1000), c.titles); diff != "" {
		t.Errorf("titles in id order (-want +got):\n%s", diff)
	}
	if c.books != 1000 || c.reviews != reviewsOf(0, 1000) || c.stale != 0 {
		t.Errorf("catalogue: %d books, %d reviews, %d with stale cached columns; want 1000, %d, 0", c.books, c.reviews, c.stale, reviewsOf(0, 1000))
	}
	var promoted, authors, tags int
	err = pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM books.books WHERE promotion_text IS NOT NULL AND actual_price_cents = price_cents / 2),
		(SELECT count(*) FROM books.authors), (SELECT count(*) FROM books.tags)`).Scan(&promoted, &authors, &tags)
	if err != nil {
		t.Fatal(err)
	}
	g := demodata.NewGenerator(demodata.DefaultSeed, now)
	if promoted != 143 || authors != len(g.Authors()) || tags != len(g.Tags()) {
		t.Errorf("%d books half price, %d authors, %d tags; want 143, %d, %d", promoted, authors, tags, len(g.Authors()), len(g.Tags()))
	}
}

// TestSeedConcurrently runs two seeds at once: they take turns, and the
// catalogue gets the books once.
func TestSeedConcurrently(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t, persistence.Migrations())
	var (
		wg      sync.WaitGroup
		results [2]demodata.Result
		errs    [2]error
	)
	for i := range results {
		wg.Go(func() {
			results[i], errs[i] = demodata.Seed(context.Background(), pool, demodata.Options{Books: 500, Now: now, Batch: 100})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if results[0].Added+results[1].Added != 500 || min(results[0].Added, results[1].Added) != 0 {
		t.Errorf("results %+v, want one run to add 500 books and the other none", results)
	}
	c := read(t, pool)
	if diff := cmp.Diff(wantTitles(0, 500), c.titles); diff != "" {
		t.Errorf("titles in id order (-want +got):\n%s", diff)
	}
}

func TestSeedRefusesNoBooks(t *testing.T) {
	t.Parallel()
	_, err := demodata.Seed(context.Background(), nil, demodata.Options{Books: 0})
	if err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("Seed(0 books) error = %v", err)
	}
}

// TestSeedInterrupted cancels a run after its first batch: the books
// committed are whole batches at the start of the sequence, and the next run
// completes it without a gap or a repeat.
func TestSeedInterrupted(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t, persistence.Migrations())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := demodata.Seed(ctx, pool, demodata.Options{Books: 1000, Now: now, Batch: 100,
		Progress: func(demodata.Progress) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want context.Canceled", err)
	}
	c := read(t, pool)
	if c.books%100 != 0 || c.books == 0 || c.books == 1000 {
		t.Fatalf("%d books after the interruption, want whole batches of 100, not all", c.books)
	}
	if diff := cmp.Diff(wantTitles(0, c.books), c.titles); diff != "" {
		t.Errorf("titles after the interruption (-want +got):\n%s", diff)
	}
	res, err := demodata.Seed(context.Background(), pool, demodata.Options{Books: 1000, Now: now, Batch: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != c.books || res.Added != 1000-c.books {
		t.Errorf("second run = %+v, want it to add the %d missing books", res, 1000-c.books)
	}
	c = read(t, pool)
	if diff := cmp.Diff(wantTitles(0, 1000), c.titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	if c.reviews != reviewsOf(0, 1000) || c.stale != 0 {
		t.Errorf("%d reviews, %d stale books; want %d and 0", c.reviews, c.stale, reviewsOf(0, 1000))
	}
}
