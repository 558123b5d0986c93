package demodata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/shared/pgtx"
)

// The defaults of Options: how many books Seed loads per transaction, and
// on how many connections at once. Most of the work is the database's
// (foreign-key checks and index entries for about 5 million rows per
// 500,000 books), which one connection does on one CPU.
const (
	DefaultBatch   = 10_000
	DefaultWorkers = 2
)

// Options say how big the catalogue should be and how to get there.
type Options struct {
	// Books is the number of books the catalogue should hold, at least 1.
	Books int
	// IfEmpty seeds only a catalogue without any book, deleted ones
	// included.
	IfEmpty bool
	// Seed chooses the catalogue; 0 means DefaultSeed.
	Seed uint64
	// Now is the moment of the run: publication dates are spread around
	// its day, and it stamps the books' creation. Zero means time.Now().
	Now time.Time
	// Batch is how many books go into one transaction; 0 means
	// DefaultBatch.
	Batch int
	// Workers is how many connections load batches in parallel; 0 means
	// DefaultWorkers.
	Workers int
	// Progress, if not nil, is called after each batch is committed.
	Progress func(Progress)
}

// Progress is how far a seeding run has got.
type Progress struct {
	Added, ToAdd int // books added so far by this run, and in all
	Reviews      int // reviews added so far by this run
}

// A Result is what a seeding run did.
type Result struct {
	Before  int // books in the catalogue before the run
	Added   int // books the run added: 0 when there were already enough
	Reviews int // reviews the run added
}

// seedLockKey is the advisory lock that makes concurrent runs take turns:
// the second one finds the catalogue already topped up.
const seedLockKey = 0x626f6f6b_73656564 // "bookseed"

// Seed tops the catalogue up to opts.Books books: it counts the books there
// are (deleted ones too), n, and adds books n to opts.Books-1 of the
// sequence, with their authors, tags and reviews. Each batch is one
// transaction, so an interrupted run leaves whole books only and the next
// run carries on. The cached columns of each book (author names, tag names,
// review counters) are computed by SQL from the batch's author, tag and
// review rows, in the statement that inserts the book.
func Seed(ctx context.Context, pool *pgxpool.Pool, opts Options) (Result, error) {
	if opts.Books < 1 {
		return Result{}, fmt.Errorf("demodata: %d books asked for, want at least 1", opts.Books)
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return Result{}, pgtx.Wrap("demodata: connect", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(seedLockKey)); err != nil {
		return Result{}, pgtx.Wrap("demodata: lock", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", int64(seedLockKey)); err != nil {
			// Closing the session releases the lock.
			_ = conn.Hijack().Close(uctx)
		}
	}()

	var res Result
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM books.books").Scan(&res.Before); err != nil {
		return res, pgtx.Wrap("demodata: count books", err)
	}
	if res.Before >= opts.Books || (opts.IfEmpty && res.Before > 0) {
		return res, nil
	}
	gen := NewGenerator(opts.Seed, opts.Now)
	if err := insertAuthorsAndTags(ctx, conn.Conn(), gen); err != nil {
		return res, err
	}
	added, reviews, err := load(ctx, pool, gen, res.Before, opts)
	res.Added, res.Reviews = added, reviews
	if err != nil {
		return res, err
	}
	// Fresh statistics, so the planner knows the catalogue's new size, and
	// a visibility map, so the list's index-only scans (of books.books, and
	// of books.book_tags for a tag) need not visit the tables, without
	// waiting for autovacuum to get round to them.
	for _, sql := range []string{
		"VACUUM (ANALYZE) books.books, books.book_tags",
		"ANALYZE books.book_authors, books.reviews, books.authors, books.tags",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return res, pgtx.Wrap("demodata: vacuum and analyze", err)
		}
	}
	return res, nil
}

// A batch is the rows of a run of consecutive books, encoded for COPY (see
// copyText): into the staging tables, and the reviews straight into
// books.reviews.
type batch struct {
	books       copyText // id, title, description, published_on, publisher, price_cents, image_url, promotion_text, actual_price_cents, created_at
	bookAuthors copyText // book_id, position, author_name
	bookTags    copyText // book_id, tag_name
	reviews     copyText // id, book_id, user_id, voter_name, num_stars, comment, created_at
	stars       copyText // book_id, num_stars: the reviews' stars, for the counters
}

// batch makes the rows of books from to to-1, with new UUIDv7 ids in
// sequence.
func (g *Generator) batch(from, to int, now time.Time) *batch {
	n := to - from
	b := &batch{
		books:       copyText{b: make([]byte, 0, n*400)},
		bookAuthors: copyText{b: make([]byte, 0, n*2*60)},
		bookTags:    copyText{b: make([]byte, 0, n*2*50)},
		reviews:     copyText{b: make([]byte, 0, n*ReviewCycle/2*120)},
	}
	for i := from; i < to; i++ {
		book := g.Book(i)
		id := uuid.Must(uuid.NewV7())
		c := &b.books
		c.uuid(id)
		c.text(book.Title)
		c.text(book.Description)
		c.date(book.PublishedOn)
		c.text(book.Publisher)
		c.int(book.PriceCents)
		c.text(book.ImageURL)
		if book.PromotionText != "" {
			c.text(book.PromotionText)
		} else {
			c.null()
		}
		c.int(book.ActualPriceCents)
		// Book i is created i µs after the run's start: creation times are
		// distinct, as in a catalogue built up book by book, so that the
		// planner's statistics on created_at (the default sort's key) mean
		// something; with one time for every book they made it misjudge
		// how many books a cursor leaves (docs/decisions.md).
		c.timestamp(now.Add(time.Duration(i) * time.Microsecond))
		c.end()
		for pos, a := range book.Authors {
			c := &b.bookAuthors
			c.uuid(id)
			c.int(int64(pos))
			c.text(a)
			c.end()
		}
		for _, t := range book.Tags {
			c := &b.bookTags
			c.uuid(id)
			c.text(t)
			c.end()
		}
		for _, r := range book.Reviews {
			c := &b.reviews
			c.uuid(uuid.Must(uuid.NewV7()))
			c.uuid(id)
			c.null()
			c.text(r.VoterName)
			c.int(int64(r.NumStars))
			c.text(r.Comment)
			c.timestamp(r.CreatedAt)
			c.end()
			c = &b.stars
			c.uuid(id)
			c.int(int64(r.NumStars))
			c.end()
		}
	}
	return b
}

// A job is one batch on its way into the catalogue. done is closed once the
// batch is committed or has failed; err says which.
type job struct {
	batch *batch
	prev  *job // the batch before, which must commit first; nil for the first
	done  chan struct{}
	err   error
}

// errPrevious stops a batch whose predecessor failed.
var errPrevious = errors.New("an earlier batch failed")

// load adds books from to opts.Books-1 and returns the books and reviews it
// added. One goroutine makes the batches; opts.Workers connections load
// them in parallel, each batch in its own transaction, but every
// transaction waits for the batch before it to commit before it commits
// itself: the committed books are always a prefix of the sequence, so an
// interrupted run is continued from the count of books.
func load(ctx context.Context, pool *pgxpool.Pool, gen *Generator, from int, opts Options) (added, reviews int, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	now := opts.Now.UTC().Truncate(time.Microsecond)
	jobs := make(chan *job)        // to the workers
	inOrder := make(chan *job, 64) // to this goroutine, in sequence
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		defer close(inOrder)
		var prev *job
		for i := from; i < opts.Books; i += opts.Batch {
			j := &job{batch: gen.batch(i, min(i+opts.Batch, opts.Books), now), prev: prev, done: make(chan struct{})}
			prev = j
			select {
			case inOrder <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				j.err = context.Cause(ctx) // no worker will take it
				close(j.done)
				return
			}
		}
	})
	for range opts.Workers {
		wg.Go(func() {
			w := worker{pool: pool}
			defer w.close()
			for j := range jobs {
				j.err = w.load(ctx, j)
				if j.err != nil {
					cancel(j.err)
				}
				close(j.done)
			}
		})
	}
	for j := range inOrder {
		<-j.done
		if j.err != nil {
			err = j.err
			break
		}
		added += j.batch.books.rows
		reviews += j.batch.reviews.rows
		if opts.Progress != nil {
			opts.Progress(Progress{Added: added, ToAdd: opts.Books - from, Reviews: reviews})
		}
	}
	cancel(err)
	wg.Wait()
	if err == nil && added < opts.Books-from {
		err = context.Cause(ctx) // the generator stopped early: ctx was cancelled
	}
	if errors.Is(err, errPrevious) {
		err = context.Cause(ctx)
	}
	return added, reviews, err
}

// A worker loads batches on one connection of its own, through staging
// tables that are temporary to its session.
type worker struct {
	pool *pgxpool.Pool
	conn *pgxpool.Conn
}

// stagingTables are the worker's staging tables, emptied at every commit.
var stagingTables = []string{
	`CREATE TEMPORARY TABLE seed_books (
		id uuid, title text, description text, published_on date, publisher text, price_cents bigint,
		image_url text, promotion_text text, actual_price_cents bigint, created_at timestamptz
	) ON COMMIT DELETE ROWS`,
	`CREATE TEMPORARY TABLE seed_book_authors (book_id uuid, position smallint, author_name text) ON COMMIT DELETE ROWS`,
	`CREATE TEMPORARY TABLE seed_book_tags (book_id uuid, tag_name text) ON COMMIT DELETE ROWS`,
	`CREATE TEMPORARY TABLE seed_stars (book_id uuid, num_stars smallint) ON COMMIT DELETE ROWS`,
}

// close drops the staging tables and gives the connection back.
func (w *worker) close() {
	if w.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := w.conn.Exec(ctx, "DISCARD TEMP"); err != nil {
		_ = w.conn.Hijack().Close(ctx) // a pooled connection must not keep them
		return
	}
	w.conn.Release()
}

// insertAuthorsAndTags makes sure every author and tag of the catalogue
// exists, so that batches only refer to them.
func insertAuthorsAndTags(ctx context.Context, conn *pgx.Conn, gen *Generator) error {
	authors := gen.Authors()
	ids := make([]uuid.UUID, len(authors))
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	_, err := conn.Exec(ctx, `
		INSERT INTO books.authors (id, name)
		SELECT * FROM unnest($1::uuid[], $2::text[])
		ON CONFLICT (name) DO NOTHING`, ids, authors)
	if err != nil {
		return pgtx.Wrap("demodata: insert authors", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO books.tags (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, gen.Tags())
	return pgtx.Wrap("demodata: insert tags", err)
}

// load loads j's batch in one transaction that commits after j.prev's.
func (w *worker) load(ctx context.Context, j *job) error {
	if w.conn == nil {
		conn, err := w.pool.Acquire(ctx)
		if err != nil {
			return pgtx.Wrap("demodata: connect", err)
		}
		w.conn = conn
		for _, sql := range stagingTables {
			if _, err := conn.Exec(ctx, sql); err != nil {
				return pgtx.Wrap("demodata: create staging table", err)
			}
		}
	}
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		return pgtx.Wrap("demodata: begin", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = tx.Rollback(rctx) // nothing to do after a commit
	}()
	if err := insert(ctx, tx, j.batch); err != nil {
		return pgtx.Wrap("demodata: load books", err)
	}
	if j.prev != nil {
		select {
		case <-j.prev.done:
			if j.prev.err != nil {
				return errPrevious
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	// Once started, the commit runs to its end even if ctx is cancelled
	// meanwhile: the caller must know whether the batch is in.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return pgtx.Wrap("demodata: commit books", tx.Commit(cctx))
}

// insert copies b into the staging tables, inserts the books with their
// cached columns and their author and tag rows from there, and copies the
// reviews in once their books exist. A review's stars are staged on their
// own for the counters: staging the whole reviews and inserting them from
// there was slower than copying them straight in (docs/performance.md).
func insert(ctx context.Context, tx pgx.Tx, b *batch) error {
	// Losing the last batches to a crash of the server is harmless
	// (the next run adds them again), so a commit need not wait for
	// the disk.
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
		return err
	}
	for _, c := range []struct {
		table string
		rows  *copyText
	}{
		{"seed_books (id, title, description, published_on, publisher, price_cents, image_url, promotion_text, actual_price_cents, created_at)", &b.books},
		{"seed_book_authors (book_id, position, author_name)", &b.bookAuthors},
		{"seed_book_tags (book_id, tag_name)", &b.bookTags},
		{"seed_stars (book_id, num_stars)", &b.stars},
	} {
		if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.rows.b), "COPY "+c.table+" FROM STDIN"); err != nil {
			return fmt.Errorf("copy %s: %w", c.table, err)
		}
	}
	for _, sql := range []string{
		// The cached columns, computed from the rows staged with the
		// books (the same rows the book gets below), as the book's write
		// path would keep them; and, in the same statement, the tag rows
		// with their copies of the book's list keys, taken from the rows
		// it inserted (a hash join with them, no lookup per tag).
		`WITH inserted AS (
		INSERT INTO books.books (id, title, description, published_on, publisher, price_cents, image_url,
			promotion_text, actual_price_cents, authors_string, tag_names, reviews_count, votes_sum, created_at)
		SELECT b.id, b.title, b.description, b.published_on, b.publisher, b.price_cents, b.image_url,
			b.promotion_text, b.actual_price_cents, coalesce(a.names, ''), coalesce(t.names, '{}'),
			coalesce(r.n, 0), coalesce(r.stars, 0), b.created_at
		FROM seed_books b
		LEFT JOIN (
			SELECT ba.book_id, string_agg(au.name, ', ' ORDER BY ba.position) AS names
			FROM seed_book_authors ba JOIN books.authors au ON au.name = ba.author_name
			GROUP BY ba.book_id
		) a ON a.book_id = b.id
		LEFT JOIN (
			SELECT book_id, array_agg(tag_name ORDER BY tag_name COLLATE "C") AS names
			FROM seed_book_tags GROUP BY book_id
		) t ON t.book_id = b.id
		LEFT JOIN (
			SELECT book_id, count(*) AS n, sum(num_stars) AS stars FROM seed_stars GROUP BY book_id
		) r ON r.book_id = b.id
		ORDER BY b.id
		RETURNING id, created_at, average_votes, published_on, actual_price_cents, deleted_at
		)
		INSERT INTO books.book_tags (book_id, tag_name, created_at, average_votes, published_on, actual_price_cents, deleted_at)
		SELECT t.book_id, t.tag_name, b.created_at, b.average_votes, b.published_on, b.actual_price_cents, b.deleted_at
		FROM seed_book_tags t JOIN inserted b ON b.id = t.book_id`,
		`INSERT INTO books.book_authors (book_id, position, author_id)
		SELECT ba.book_id, ba.position, au.id FROM seed_book_authors ba JOIN books.authors au ON au.name = ba.author_name`,
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return err
		}
	}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(b.reviews.b),
		"COPY books.reviews (id, book_id, user_id, voter_name, num_stars, comment, created_at) FROM STDIN")
	return err
}
