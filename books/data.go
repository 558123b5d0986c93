package books

import (
	"context"
	"time"

	"example.com/bookapp/books/infrastructure/demodata"
	"example.com/bookapp/books/persistence/cachecheck"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SeedOptions say how big the demo catalogue should be.
type SeedOptions struct {
	// Books is the number of books the catalogue should hold, at least 1.
	Books int
	// IfEmpty seeds only a catalogue without any book: it leaves one with
	// books of its own as it is.
	IfEmpty bool
	// Now is the moment of the run: publication dates are spread from 30
	// years before its day to half a year after. Zero means time.Now().
	Now time.Time
	// Progress, if not nil, is called after each batch of books is
	// committed (every 10,000 books).
	Progress func(SeedProgress)
}

// SeedProgress is how far a seeding run has got.
type SeedProgress struct {
	Added, ToAdd int // books added so far by this run, and in all
	Reviews      int // reviews added so far by this run
}

// SeedResult is what a seeding run did.
type SeedResult struct {
	Before  int // books in the catalogue before the run, deleted ones too
	Added   int // books added: 0 when the catalogue already had enough
	Reviews int // reviews added
}

// Seed tops the catalogue up to opts.Books books of demo data: a few
// hundred distinct books cloned with "(copy k)" titles, book i having
// i % 12 reviews and every seventh book half price. It continues the same
// sequence from the number of books already there, so running it again adds
// nothing, and a bigger number adds only the difference. Concurrent runs
// take turns. The database must hold the context's migrations.
func Seed(ctx context.Context, pool *pgxpool.Pool, opts SeedOptions) (SeedResult, error) {
	o := demodata.Options{Books: opts.Books, IfEmpty: opts.IfEmpty, Now: opts.Now}
	if opts.Progress != nil {
		o.Progress = func(p demodata.Progress) {
			opts.Progress(SeedProgress{Added: p.Added, ToAdd: p.ToAdd, Reviews: p.Reviews})
		}
	}
	res, err := demodata.Seed(ctx, pool, o)
	return SeedResult{Before: res.Before, Added: res.Added, Reviews: res.Reviews}, err
}

// CacheReport is the outcome of CheckCache.
type CacheReport struct {
	Books      int             // books checked, deleted ones too
	Mismatches []CacheMismatch // by book id, then column
	Fixed      bool            // the mismatches were repaired
}

// A CacheMismatch is one cached column of one book that disagrees with the
// rows it is derived from, both values in PostgreSQL's text form.
type CacheMismatch struct {
	BookID uuid.UUID
	// Column is authors_string, tag_names, reviews_count, votes_sum or
	// actual_price_cents; or book_tags(TAG).COLUMN for the copy of a list
	// key (created_at, average_votes, published_on, actual_price_cents,
	// deleted_at) on the book's row for tag TAG.
	Column string
	Cached string
	Actual string
}

// CheckCache recomputes the cached columns of every book (author names, tag
// names, review counters, actual price), and the copies of its list keys on
// its tag rows, from the rows they are derived from and reports each
// disagreement; with fix, it also repairs them, without
// losing a review written meanwhile. The database must hold the context's
// migrations.
func CheckCache(ctx context.Context, pool *pgxpool.Pool, fix bool) (CacheReport, error) {
	rep, err := cachecheck.Check(ctx, pool, fix)
	if err != nil {
		return CacheReport{}, err
	}
	out := CacheReport{Books: rep.Books, Fixed: rep.Fixed}
	for _, m := range rep.Mismatches {
		out.Mismatches = append(out.Mismatches, CacheMismatch(m))
	}
	return out, nil
}
