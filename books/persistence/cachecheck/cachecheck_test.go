package cachecheck_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// migrations reads the context's migrations from their directory: importing
// them from package persistence would break the same-layer rule (archtest
// rule 3) that this package's tests obey too.
func migrations() migrate.Source {
	return migrate.MustSource("books", os.DirFS(".."), "migrations")
}

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// insertBook writes a book with plain SQL — authors, tags, reviews — with
// exact cached columns, and returns its id.
func insertBook(t *testing.T, pool *pgxpool.Pool, title string, authors, tags []string, stars []int) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO books.books (id, title, published_on, price_cents, actual_price_cents, created_at)
			VALUES ($1, $2, '2020-01-01', 1000, 1000, $3)`, id, title, now)
		for pos, a := range authors {
			b.Queue(`INSERT INTO books.authors (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, uuid.Must(uuid.NewV7()), a)
			b.Queue(`INSERT INTO books.book_authors SELECT $1, $2, id FROM books.authors WHERE name = $3`, id, pos, a)
		}
		for _, tag := range tags {
			b.Queue(`INSERT INTO books.tags VALUES ($1) ON CONFLICT DO NOTHING`, tag)
			b.Queue(`INSERT INTO books.book_tags (book_id, tag_name, created_at, published_on, actual_price_cents)
				SELECT id, $2, created_at, published_on, actual_price_cents FROM books.books WHERE id = $1`, id, tag)
		}
		for _, s := range stars {
			b.Queue(`INSERT INTO books.reviews (id, book_id, voter_name, num_stars, created_at) VALUES ($1, $2, 'R', $3, $4)`,
				uuid.Must(uuid.NewV7()), id, s, now)
		}
		// The cached columns, the way the write path keeps them.
		b.Queue(`UPDATE books.books SET
			authors_string = coalesce((SELECT string_agg(a.name, ', ' ORDER BY ba.position) FROM books.book_authors ba
				JOIN books.authors a ON a.id = ba.author_id WHERE ba.book_id = $1), ''),
			tag_names = coalesce((SELECT array_agg(tag_name ORDER BY tag_name COLLATE "C") FROM books.book_tags WHERE book_id = $1), '{}'),
			reviews_count = (SELECT count(*) FROM books.reviews WHERE book_id = $1),
			votes_sum = (SELECT coalesce(sum(num_stars), 0) FROM books.reviews WHERE book_id = $1)
			WHERE id = $1`, id)
		b.Queue(`UPDATE books.book_tags t SET average_votes = b.average_votes FROM books.books b
			WHERE b.id = $1 AND t.book_id = b.id`, id)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		t.Fatalf("insert %s: %v", title, err)
	}
	return id
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestCheckFindsAndFixesExactlyTheCorruptedValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, migrations())
	a := insertBook(t, pool, "A", []string{"Ann", "Bob"}, []string{"Go", "Databases", "architecture"}, []int{5, 3})
	b := insertBook(t, pool, "B", []string{"Bob"}, nil, nil)
	c := insertBook(t, pool, "C", []string{"Cy", "Ann"}, []string{"Go"}, []int{0, 1, 2})
	d := insertBook(t, pool, "D", nil, nil, []int{4})
	mustExec(t, pool, `UPDATE books.books SET deleted_at = $2 WHERE id = $1`, d, now) // deleted books are checked too

	rep, err := cachecheck.Check(ctx, pool, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Books != 4 || len(rep.Mismatches) != 0 {
		t.Fatalf("clean catalogue: %+v, want 4 books and no mismatches", rep)
	}

	// The price CHECK rules out a wrong actual price; drop it to make one.
	mustExec(t, pool, `DO $$ DECLARE c text; BEGIN
		SELECT conname INTO c FROM pg_constraint WHERE conrelid = 'books.books'::regclass AND contype = 'c'
			AND pg_get_constraintdef(oid) LIKE '%promotion_text IS NULL%';
		EXECUTE format('ALTER TABLE books.books DROP CONSTRAINT %I', c);
	END $$`)
	mustExec(t, pool, `UPDATE books.books SET authors_string = 'Bob, Ann', reviews_count = 3 WHERE id = $1`, a)
	mustExec(t, pool, `UPDATE books.books SET tag_names = '{Go}', actual_price_cents = 999 WHERE id = $1`, b)
	mustExec(t, pool, `UPDATE books.books SET tag_names = '{go}', votes_sum = 2 WHERE id = $1`, c)
	mustExec(t, pool, `UPDATE books.books SET reviews_count = 0, votes_sum = 0 WHERE id = $1`, d)

	want := []cachecheck.Mismatch{
		{BookID: a, Column: "authors_string", Cached: "Bob, Ann", Actual: "Ann, Bob"},
		{BookID: a, Column: "reviews_count", Cached: "3", Actual: "2"},
		{BookID: b, Column: "actual_price_cents", Cached: "999", Actual: "1000"},
		{BookID: b, Column: "tag_names", Cached: "{Go}", Actual: "{}"},
		{BookID: c, Column: "tag_names", Cached: "{go}", Actual: "{Go}"},
		{BookID: c, Column: "votes_sum", Cached: "2", Actual: "3"},
		{BookID: d, Column: "reviews_count", Cached: "0", Actual: "1"},
		{BookID: d, Column: "votes_sum", Cached: "0", Actual: "4"},
	}
	rep, err = cachecheck.Check(ctx, pool, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cachecheck.Report{Books: 4, Mismatches: want}, rep); diff != "" {
		t.Errorf("check (-want +got):\n%s", diff)
	}
	// Checking changed nothing.
	rep, err = cachecheck.Check(ctx, pool, true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cachecheck.Report{Books: 4, Mismatches: want, Fixed: true}, rep); diff != "" {
		t.Errorf("check and fix (-want +got):\n%s", diff)
	}
	rep, err = cachecheck.Check(ctx, pool, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mismatches) != 0 {
		t.Errorf("after the fix: %+v, want no mismatches", rep.Mismatches)
	}
	// The tags sort by byte value: "Databases" < "Go" < "architecture".
	var tags []string
	if err := pool.QueryRow(ctx, `SELECT tag_names FROM books.books WHERE id = $1`, a).Scan(&tags); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Databases", "Go", "architecture"}, tags); diff != "" {
		t.Errorf("tag order (-want +got):\n%s", diff)
	}
}

// TestCheckFindsAndFixesWrongTagCopies corrupts the copies of the list keys
// on tag rows, one column each, and on a deleted book's: each is reported
// against the value its book holds, and repaired.
func TestCheckFindsAndFixesWrongTagCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, migrations())
	a := insertBook(t, pool, "A", []string{"Ann"}, []string{"Go", "Databases"}, []int{5, 2})
	b := insertBook(t, pool, "B", []string{"Bob"}, []string{"Go"}, nil)
	c := insertBook(t, pool, "C", []string{"Cy"}, []string{"Go"}, []int{4})
	mustExec(t, pool, `UPDATE books.books SET deleted_at = $2 WHERE id = $1`, c, now)
	mustExec(t, pool, `UPDATE books.book_tags SET deleted_at = $2 WHERE book_id = $1`, c, now)
	if rep, err := cachecheck.Check(ctx, pool, false); err != nil || len(rep.Mismatches) != 0 {
		t.Fatalf("clean catalogue: %+v, %v; want no mismatches", rep, err)
	}

	mustExec(t, pool, `UPDATE books.book_tags SET average_votes = 3 WHERE book_id = $1 AND tag_name = 'Go'`, a)
	mustExec(t, pool, `UPDATE books.book_tags SET published_on = '2021-02-03', created_at = $2 WHERE book_id = $1 AND tag_name = 'Databases'`,
		a, now.Add(time.Hour))
	mustExec(t, pool, `UPDATE books.book_tags SET average_votes = 1, actual_price_cents = 10 WHERE book_id = $1`, b)
	mustExec(t, pool, `UPDATE books.book_tags SET deleted_at = NULL WHERE book_id = $1`, c) // would list a deleted book
	want := []cachecheck.Mismatch{
		{BookID: a, Column: "book_tags(Databases).created_at", Cached: "2026-05-06 08:08:09+00", Actual: "2026-05-06 07:08:09+00"},
		{BookID: a, Column: "book_tags(Databases).published_on", Cached: "2021-02-03", Actual: "2020-01-01"},
		{BookID: a, Column: "book_tags(Go).average_votes", Cached: "3", Actual: "3.5"},
		{BookID: b, Column: "book_tags(Go).actual_price_cents", Cached: "10", Actual: "1000"},
		{BookID: b, Column: "book_tags(Go).average_votes", Cached: "1", Actual: "NULL"},
		{BookID: c, Column: "book_tags(Go).deleted_at", Cached: "NULL", Actual: "2026-05-06 07:08:09+00"},
	}
	for _, fix := range []bool{false, true} {
		rep, err := cachecheck.Check(ctx, pool, fix)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cachecheck.Report{Books: 3, Mismatches: want, Fixed: fix}, rep); diff != "" {
			t.Errorf("check (fix %t) (-want +got):\n%s", fix, diff)
		}
	}
	if rep, err := cachecheck.Check(ctx, pool, false); err != nil || len(rep.Mismatches) != 0 {
		t.Errorf("after the fix: %+v, %v; want no mismatches", rep, err)
	}
	// The copies are the books' own values again.
	if n := queryInt(t, pool, `SELECT count(*) FROM books.book_tags t JOIN books.books b ON b.id = t.book_id
		WHERE (t.created_at, t.average_votes, t.published_on, t.actual_price_cents, t.deleted_at) IS DISTINCT FROM
			(b.created_at, b.average_votes, b.published_on, b.actual_price_cents, b.deleted_at)`); n != 0 {
		t.Errorf("%d tag rows differ from their books after the fix", n)
	}
}

// A book's exact copies sold (books.sales) are the sum of its purchases'
// quantities (orders not cancelled), and the list's copies of them (on the
// book and its tag rows) the same once listed: a wrong count is found and
// fixed from the purchases; a count whose listing is due is not wrong.
func TestCheckFindsAndFixesCopiesSold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, migrations())
	a := insertBook(t, pool, "A", []string{"Ann"}, []string{"Go", "Databases"}, nil)
	b := insertBook(t, pool, "B", []string{"Bob"}, nil, nil)
	c := insertBook(t, pool, "C", []string{"Cy"}, []string{"Go"}, nil)
	purchase := func(book uuid.UUID, q int) {
		mustExec(t, pool, `INSERT INTO books.purchases (order_id, book_id, user_id, quantity) VALUES ($1, $2, $3, $4)`,
			uuid.Must(uuid.NewV7()), book, uuid.Must(uuid.NewV7()), q)
	}
	purchase(a, 3)
	purchase(a, 4)
	purchase(c, 2)
	mustExec(t, pool, `INSERT INTO books.sales (book_id, copies_sold, listed) VALUES ($1, 7, 7), ($2, 2, 0)`, a, c) // C's listing is due
	mustExec(t, pool, `UPDATE books.books SET copies_sold = 7 WHERE id = $1`, a)
	mustExec(t, pool, `UPDATE books.book_tags SET copies_sold = 7 WHERE book_id = $1`, a)
	if rep, err := cachecheck.Check(ctx, pool, false); err != nil || len(rep.Mismatches) != 0 {
		t.Fatalf("counts that match the purchases: %+v, %v; want no mismatches", rep, err)
	}
	mustExec(t, pool, `UPDATE books.books SET copies_sold = 9 WHERE id = $1`, b) // B has no purchase
	mustExec(t, pool, `UPDATE books.book_tags SET copies_sold = 5 WHERE book_id = $1 AND tag_name = 'Go'`, a)
	mustExec(t, pool, `UPDATE books.sales SET copies_sold = 6, listed = 6 WHERE book_id = $1`, a)
	want := []cachecheck.Mismatch{
		{BookID: a, Column: "book_tags(Go).copies_sold", Cached: "5", Actual: "7"},
		{BookID: a, Column: "sales.copies_sold", Cached: "6", Actual: "7"},
		{BookID: b, Column: "copies_sold", Cached: "9", Actual: "0"},
	}
	if rep, err := cachecheck.Check(ctx, pool, true); err != nil || !cmp.Equal(want, rep.Mismatches) {
		t.Errorf("check and fix: %+v, %v; want %+v", rep.Mismatches, err, want)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM books.books WHERE (id = $1 AND copies_sold <> 7) OR (id = $2 AND copies_sold <> 0)`, a, b); n != 0 {
		t.Errorf("%d books with the wrong count after the fix", n)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM books.book_tags WHERE book_id = $1 AND copies_sold <> 7`, a); n != 0 {
		t.Errorf("%d tag rows with the wrong count after the fix", n)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM books.sales WHERE book_id = $1 AND (copies_sold, listed) = (7, 7)`, a); n != 1 {
		t.Errorf("A's exact count after the fix: %d rows of 7 listed, want 1", n)
	}
	if rep, err := cachecheck.Check(ctx, pool, false); err != nil || len(rep.Mismatches) != 0 {
		t.Errorf("after the fix: %+v, %v; want no mismatches", rep.Mismatches, err)
	}
}

func queryInt(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestFixWhileReviewsArrive repairs a book's counters while reviews of it
// are being added the way the write path adds them (insert the review, bump
// the counters and copy the average to the tag rows, one transaction): no
// repair may overwrite a counter or a copy with an older snapshot's value,
// so at the end the counters and the copies are exact.
func TestFixWhileReviewsArrive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t, migrations())
	id := insertBook(t, pool, "Hot", []string{"Ann"}, []string{"Go"}, []int{5})
	// Reviews of another book make each recomputation take a few
	// milliseconds, during which writers commit: the window in which a
	// repair could work from a stale snapshot.
	filler := insertBook(t, pool, "Filler", []string{"Ann"}, nil, nil)
	mustExec(t, pool, `INSERT INTO books.reviews (id, book_id, voter_name, num_stars, created_at)
		SELECT gen_random_uuid(), $1, 'F', 3, $2 FROM generate_series(1, 30000)`, filler, now)
	mustExec(t, pool, `UPDATE books.books SET reviews_count = 30000, votes_sum = 90000 WHERE id = $1`, filler)
	const writers, repairs = 3, 20
	var (
		wg      sync.WaitGroup
		done    = make(chan struct{})
		mu      sync.Mutex
		added   int
		retries int
	)
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO books.reviews (id, book_id, voter_name, num_stars, created_at)
						VALUES ($1, $2, 'W', 4, $3)`, uuid.Must(uuid.NewV7()), id, now); err != nil {
						return err
					}
					// The average's copies on the book's tag rows too, in
					// the same statement, as the write path does.
					_, err := tx.Exec(ctx, `WITH counted AS (
							UPDATE books.books SET reviews_count = reviews_count + 1, votes_sum = votes_sum + 4 WHERE id = $1
							RETURNING id, average_votes)
						UPDATE books.book_tags t SET average_votes = counted.average_votes FROM counted WHERE t.book_id = counted.id`, id)
					return err
				})
				if err != nil {
					t.Errorf("add review: %v", err)
					return
				}
				mu.Lock()
				added++
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		defer close(done)
		for range repairs {
			// Break the counters, then repair them, while writers write.
			mustExec(t, pool, `UPDATE books.books SET reviews_count = reviews_count + 7 WHERE id = $1`, id)
			for {
				_, err := cachecheck.Check(ctx, pool, true)
				if err == nil {
					break
				}
				if !pgtx.Retryable(err) {
					t.Errorf("check and fix: %v", err)
					return
				}
				retries++ // lost the race on every attempt: the writers keep moving the row
			}
		}
	})
	wg.Wait()
	// No final repair: the counters must be exact as the writers and the
	// repairs left them.
	rep, err := cachecheck.Check(ctx, pool, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mismatches) != 0 {
		t.Errorf("after concurrent repairs: %+v, want no mismatches", rep.Mismatches)
	}
	var n, sum int
	if err := pool.QueryRow(ctx, `SELECT reviews_count, votes_sum FROM books.books WHERE id = $1`, id).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 1+added || sum != 5+4*added {
		t.Errorf("counters %d and %d, want %d and %d", n, sum, 1+added, 5+4*added)
	}
	t.Logf("%d reviews added during %d repairs; %d repair runs retried after exhausting their attempts", added, repairs, retries)
}

func TestCheckCancelled(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t, migrations())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cachecheck.Check(ctx, pool, false); !errors.Is(err, context.Canceled) {
		t.Errorf("Check(cancelled) error = %v, want context.Canceled", err)
	}
}
