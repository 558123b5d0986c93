// Package cachecheck checks, and on request repairs, the cached columns of
// the books context's catalogue, in its persistence layer. books.books keeps
// copies of values derived from other rows so that the book list reads one
// row per book: the author names (authors_string), the tag names
// (tag_names), the review counters (reviews_count, votes_sum; average_votes
// is computed from them by PostgreSQL) and the price after promotion
// (actual_price_cents). books.book_tags keeps copies of each book's list
// keys on the book's tag rows (created_at, average_votes, published_on,
// actual_price_cents, deleted_at, copies_sold), so that a tag's books are
// an index range in each sort's order. The write path keeps them all exact
// in the same transaction as every change; this package is the
// administrator's way to prove it, or to repair a database edited by hand.
//
// Copies sold are the one count that trails: books.sales holds each book's
// exact count, written with the purchases, and the sales lister copies it
// to books.books and books.book_tags a moment later (listed says which
// count it copied); a book without a sales row has its exact count on the
// book. A book whose listing is due is not a mismatch for its copies on the
// list, only for its exact count.
package cachecheck

import (
	"context"

	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Mismatch is one cached column of one book that disagrees with the rows
// it is derived from, both values in PostgreSQL's text form.
type Mismatch struct {
	BookID uuid.UUID
	// Column is authors_string, tag_names, reviews_count, votes_sum,
	// actual_price_cents or copies_sold, a column of books.books;
	// sales.copies_sold, the book's exact count; or, for a copy on one of
	// the book's tag rows, book_tags(TAG).COLUMN, with COLUMN one of
	// created_at, average_votes, published_on, actual_price_cents,
	// deleted_at or copies_sold.
	Column string
	Cached string // the value stored: on the book, or on the tag row for a book_tags(…) column
	Actual string // the value recomputed from the source rows
}

// A Report is the outcome of a check.
type Report struct {
	Books      int        // books checked (every book, deleted ones too)
	Mismatches []Mismatch // by book id, then column
	Fixed      bool       // the mismatches were repaired in the same transaction
}

// actualSQL recomputes the cached columns of the books that pass filter
// from the source rows: for the whole catalogue in one pass over each table
// (hash aggregates, not one lookup per book), or for a list of books
// through the tables' indexes. Tag names sort by byte value
// (COLLATE "C"), whatever the database's collation, as Go's sort.Strings
// does. A book without promotion costs its list price; one with a promotion
// keeps its actual price, which the table's CHECK bounds. The values the
// tag rows copy are those the book has once its cached columns are right:
// the average from the recomputed counters, by the generated column's own
// expression, and the other columns as the book holds them. copies_sold is
// the exact count (the purchases' sum); listed_sold the count the list must
// show: the same, or, while the book's listing is due, what it shows.
func actualSQL(filter filter) string {
	return `
	WITH actual AS (
		SELECT b.id,
			coalesce(a.names, '') AS authors_string,
			coalesce(t.names, '{}') AS tag_names,
			coalesce(r.n, 0)::integer AS reviews_count,
			coalesce(r.stars, 0)::bigint AS votes_sum,
			coalesce(r.stars, 0)::bigint::double precision / NULLIF(coalesce(r.n, 0)::integer, 0) AS average_votes,
			CASE WHEN b.promotion_text IS NULL THEN b.price_cents ELSE b.actual_price_cents END AS actual_price_cents,
			coalesce(p.copies, 0)::integer AS copies_sold,
			s.copies_sold AS sales_sold, s.book_id IS NOT NULL AS has_sales,
			CASE WHEN s.copies_sold <> s.listed THEN b.copies_sold ELSE coalesce(p.copies, 0)::integer END AS listed_sold,
			b.created_at, b.published_on, b.deleted_at
		FROM books.books b
		LEFT JOIN books.sales s ON s.book_id = b.id
		LEFT JOIN (
			SELECT ba.book_id, string_agg(au.name, ', ' ORDER BY ba.position) AS names
			FROM books.book_authors ba JOIN books.authors au ON au.id = ba.author_id
			WHERE ` + filter("ba.book_id") + `
			GROUP BY ba.book_id
		) a ON a.book_id = b.id
		LEFT JOIN (
			SELECT book_id, array_agg(tag_name ORDER BY tag_name COLLATE "C") AS names
			FROM books.book_tags WHERE ` + filter("book_id") + ` GROUP BY book_id
		) t ON t.book_id = b.id
		LEFT JOIN (
			SELECT book_id, count(*) AS n, sum(num_stars) AS stars
			FROM books.reviews WHERE ` + filter("book_id") + ` GROUP BY book_id
		) r ON r.book_id = b.id
		LEFT JOIN (
			SELECT book_id, sum(quantity) AS copies
			FROM books.purchases WHERE ` + filter("book_id") + ` GROUP BY book_id
		) p ON p.book_id = b.id
		WHERE ` + filter("b.id") + `
	)`
}

// A filter restricts a recomputation to some books: it returns the SQL
// condition on the column that holds the book's id.
type filter func(idColumn string) string

// The filters: every book, or the books whose ids are the parameter $1.
var (
	allBooks    filter = func(string) string { return "true" }
	listedBooks filter = func(col string) string { return col + " = ANY ($1)" }
)

// mismatchSQL lists the mismatches of the books that pass filter, one row
// per book and column, and per tag row and column of the copies on
// books.book_tags. Values compare in their text form, which for a double
// precision is exact (PostgreSQL writes the shortest text that reads back
// as the same number).
func mismatchSQL(filter filter) string {
	return actualSQL(filter) + `
	SELECT b.id, c.name, c.cached, c.actual
	FROM books.books b
	JOIN actual x ON x.id = b.id
	CROSS JOIN LATERAL (VALUES
		('authors_string', b.authors_string, x.authors_string),
		('tag_names', b.tag_names::text, x.tag_names::text),
		('reviews_count', b.reviews_count::text, x.reviews_count::text),
		('votes_sum', b.votes_sum::text, x.votes_sum::text),
		('actual_price_cents', b.actual_price_cents::text, x.actual_price_cents::text),
		('copies_sold', b.copies_sold::text, x.listed_sold::text),
		('sales.copies_sold', x.sales_sold::text, CASE WHEN x.has_sales THEN x.copies_sold::text END)
	) AS c(name, cached, actual)
	WHERE c.cached IS DISTINCT FROM c.actual
	UNION ALL
	SELECT t.book_id, 'book_tags(' || t.tag_name || ').' || c.name, c.cached, c.actual
	FROM books.book_tags t
	JOIN actual x ON x.id = t.book_id
	CROSS JOIN LATERAL (VALUES
		('created_at', t.created_at::text, x.created_at::text),
		('average_votes', t.average_votes::text, x.average_votes::text),
		('published_on', t.published_on::text, x.published_on::text),
		('actual_price_cents', t.actual_price_cents::text, x.actual_price_cents::text),
		('deleted_at', t.deleted_at::text, x.deleted_at::text),
		('copies_sold', t.copies_sold::text, x.listed_sold::text)
	) AS c(name, cached, actual)
	WHERE ` + filter("t.book_id") + ` AND c.cached IS DISTINCT FROM c.actual
	ORDER BY 1, 2`
}

// fixSQL sets every cached column of the books whose ids are $1 to the
// recomputed values, and the copies on their tag rows that differ from them
// likewise. Copies sold are set exact everywhere, as listed (a book
// without a sales row keeps its exact count on the book, and gets none).
var fixSQL = actualSQL(listedBooks) + `, sold AS (
		UPDATE books.sales s SET copies_sold = x.copies_sold, listed = x.copies_sold
		FROM actual x
		WHERE s.book_id = x.id
	), fixed AS (
		UPDATE books.books b
		SET authors_string = x.authors_string, tag_names = x.tag_names, reviews_count = x.reviews_count,
			votes_sum = x.votes_sum, actual_price_cents = x.actual_price_cents, copies_sold = x.copies_sold
		FROM actual x
		WHERE x.id = b.id
	)
	UPDATE books.book_tags t
	SET (created_at, average_votes, published_on, actual_price_cents, deleted_at, copies_sold) =
		(x.created_at, x.average_votes, x.published_on, x.actual_price_cents, x.deleted_at, x.copies_sold)
	FROM actual x
	WHERE x.id = t.book_id
		AND (t.created_at, t.average_votes, t.published_on, t.actual_price_cents, t.deleted_at, t.copies_sold) IS DISTINCT FROM
			(x.created_at, x.average_votes, x.published_on, x.actual_price_cents, x.deleted_at, x.copies_sold)`

// Check compares every book's cached columns, and their copies on its tag
// rows, with the rows they are derived from and reports each disagreement,
// from one snapshot of the database.
//
// With fix, it also repairs them in one transaction, which must not undo a
// writer's change that lands meanwhile: it locks the books at fault and
// their sales rows (in id order), then recomputes their values — now that
// no writer can move their counters — and reports and writes those. A
// writer adding a review to one of them, or an event's effect adding
// copies, waits for the repair and then adds to the repaired counters.
// Deadlocks with writers that lock several books are retried (pgtx.Run).
func Check(ctx context.Context, pool *pgxpool.Pool, fix bool) (Report, error) {
	var rep Report
	err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		rep = Report{Fixed: fix}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM books.books").Scan(&rep.Books); err != nil {
			return err
		}
		var err error
		if rep.Mismatches, err = mismatches(ctx, tx, allBooks); err != nil || !fix || len(rep.Mismatches) == 0 {
			return err
		}
		var ids []uuid.UUID
		for _, m := range rep.Mismatches {
			if len(ids) == 0 || ids[len(ids)-1] != m.BookID {
				ids = append(ids, m.BookID)
			}
		}
		if _, err := tx.Exec(ctx, "SELECT FROM books.books WHERE id = ANY ($1) ORDER BY id FOR UPDATE", ids); err != nil {
			return err
		}
		// An event's effect moves a count without the book's lock.
		if _, err := tx.Exec(ctx, "SELECT FROM books.sales WHERE book_id = ANY ($1) ORDER BY book_id FOR UPDATE", ids); err != nil {
			return err
		}
		if rep.Mismatches, err = mismatches(ctx, tx, listedBooks, ids); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, fixSQL, ids)
		return err
	})
	if err != nil {
		return Report{}, pgtx.Wrap("books: check cached columns", err)
	}
	return rep, nil
}

func mismatches(ctx context.Context, tx pgx.Tx, filter filter, args ...any) ([]Mismatch, error) {
	rows, err := tx.Query(ctx, mismatchSQL(filter), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []Mismatch
	for rows.Next() {
		var (
			m              Mismatch
			cached, actual *string
		)
		if err := rows.Scan(&m.BookID, &m.Column, &cached, &actual); err != nil {
			return nil, err
		}
		m.Cached, m.Actual = deref(cached), deref(actual)
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}
