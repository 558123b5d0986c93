// Package listbooks holds the query objects of the book list, in the books
// context's persistence layer. Every page is one SQL statement, whose rows
// come from books.books, which carries cached copies of everything a list
// item shows (the author names, the tag names, the review counters and the
// price after promotion). A page is ordered by a (sort key, id) pair that
// one index per sort serves, and paged by keyset: it starts after the
// position of the previous page's last book, so a page 1,000 pages deep
// costs what the first one does. There is no OFFSET. A page whose filters
// are all ranges of its index is one index scan that reads exactly the
// page's rows; otherwise the indexes hold the columns the filters test, so
// the page's ids are found in the index alone, and only the page's books
// are then read from the table.
//
// Which index serves a page:
//
//   - with a tag: the sort's index of books.book_tags (book_tags_*_idx),
//     whose rows copy their book's list keys; the tag is its leading
//     column, so a tag's books are one range of it, in the sort's order,
//     however rare the tag, and the other filters test the copies;
//   - with a year, under any sort but the publication date's: the sort's
//     year index (books_year_*_idx), the year its leading expression;
//   - upcoming, under any sort but the publication date's: the sort's
//     recent index (books_recent_*_idx), which holds only the books
//     published since 2026 — upcoming books are few, and in the full index
//     a page of them meant passing over thousands of others;
//   - otherwise: the sort's index of books.books (books_*_idx), of which
//     the votes filter under the votes sort, and a year or the upcoming
//     filter under the publication-date sort, are ranges.
//
// The indexes are migrations of the context (0058 onward);
// docs/decisions.md says why.
package listbooks

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Sort is an order of the book list. Every order ends with the book's id in
// the same direction, so that no two books tie and paging is stable.
type Sort uint8

// The orders of the book list.
const (
	ByNewest      Sort = iota // most recently created first
	ByVotes                   // highest average votes first, books without reviews last
	ByPublished               // newest publication date first
	ByPrice                   // lowest actual price (after promotion) first
	ByPriceDesc               // highest actual price first
	ByBestsellers             // most copies sold first (orders not cancelled)
)

// NumSorts is the number of sorts; every Sort below it is valid.
const NumSorts = 6

// A sortSpec is how a Sort reads in SQL.
type sortSpec struct {
	key  string // the sort key's SQL expression; id follows it
	desc bool
}

// sorts are the sort keys. Newest first is created_at, not id alone, though
// ids are UUIDv7 and so nearly the same order: the primary key would serve
// ORDER BY id, and with the table in id order PostgreSQL judges reading a
// row per book cheap enough to prefer it to books_newest_idx, so a filtered
// page read the row of every book the filter rejected (slower with a rare
// tag, when tags were tested on these indexes: docs/performance.md). No other
// index of books.books orders by created_at.
var sorts = [NumSorts]sortSpec{
	ByNewest:    {key: "created_at", desc: true},
	ByVotes:     {key: votesKey, desc: true},
	ByPublished: {key: "published_on", desc: true},
	ByPrice:     {key: "actual_price_cents", desc: false},
	ByPriceDesc: {key: "actual_price_cents", desc: true},
	// copies_sold comes from the orders context's events
	// (persistence.Store.RecordPurchases).
	ByBestsellers: {key: "copies_sold", desc: true},
}

// votesKey is the votes sort's key: the average votes, with -1 for a book
// without reviews so that such books sort after every reviewed one (an
// average is never below 0). The expression must match the index's
// (books_votes_idx) character for character, or PostgreSQL cannot use it.
const votesKey = "coalesce(average_votes, -1)"

// yearKey is the leading expression of the year indexes, which serve the
// year=YYYY filter under every sort but the publication date's.
const yearKey = "extract(year FROM published_on)"

// recentSince is the first publication day the recent indexes
// (books_recent_*_idx, migrations 0066–0068) hold, and recentPredicate
// their predicate beyond deleted_at IS NULL, character for character. They
// serve the upcoming filter under the sorts whose key is not the
// publication date.
var recentSince = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const recentPredicate = "published_on >= DATE '2026-01-01'"

// Valid reports whether s is one of the sorts above.
func (s Sort) Valid() bool { return s < NumSorts }

// A Filter narrows the list; the zero value keeps every book. Filters
// combine with AND.
type Filter struct {
	// MinVotes keeps the books whose average votes are at least MinVotes;
	// 0 keeps every book, reviewed or not.
	MinVotes int
	// Year keeps the books published in that year (1 to 9999); 0 keeps
	// every book.
	Year int
	// PublishedAfter keeps the books published after that day (in its
	// location): the upcoming books, for today. The zero time sets no
	// bound.
	PublishedAfter time.Time
	// Tag keeps the books that carry that tag; "" keeps every book.
	Tag string
}

// A Key is a book's position in a list: its id and the sort key of the
// list's order. Only the field of the order in use matters; the others are
// zero.
type Key struct {
	ID          uuid.UUID
	CreatedAt   time.Time // ByNewest: when the book was created
	Votes       float64   // ByVotes: the average votes, -1 for a book without reviews
	PublishedOn time.Time // ByPublished: the publication date, midnight UTC
	PriceCents  int64     // ByPrice and ByPriceDesc: the actual price
	CopiesSold  int       // ByBestsellers: the copies sold
	DeletedAt   time.Time // the deleted list: when the book was deleted
}

// KeyOf returns b's position in a list in order s.
func (s Sort) KeyOf(b Book) Key {
	k := Key{ID: b.ID}
	switch s {
	case ByNewest:
		k.CreatedAt = b.CreatedAt
	case ByVotes:
		k.Votes = -1
		if b.AverageVotes != nil {
			k.Votes = *b.AverageVotes
		}
	case ByPublished:
		k.PublishedOn = b.PublishedOn
	case ByPrice, ByPriceDesc:
		k.PriceCents = b.ActualPriceCents
	case ByBestsellers:
		k.CopiesSold = b.CopiesSold
	}
	return k
}

// DeletedKeyOf returns b's position in the list of deleted books.
func DeletedKeyOf(b Book) Key {
	return Key{ID: b.ID, DeletedAt: b.DeletedAt}
}

// A Query asks for one page of the book list.
type Query struct {
	Sort   Sort
	Filter Filter
	// After is the position of the previous page's last book; nil asks
	// for the first page.
	After *Key
	// Limit is the most books to return, at least 1.
	Limit int
}

// A Book is one row of the list: the cached columns of books.books, as a
// list item shows them.
type Book struct {
	ID               uuid.UUID
	Title            string
	AuthorsString    string    // the author names in order, joined with ", "
	PublishedOn      time.Time // midnight UTC
	PriceCents       int64
	ActualPriceCents int64
	PromotionText    string // "" when the book has no promotion
	ReviewsCount     int
	AverageVotes     *float64  // nil when the book has no reviews
	TagNames         []string  // sorted; never nil
	CopiesSold       int       // in orders that are not cancelled
	CreatedAt        time.Time // UTC
	DeletedAt        time.Time // UTC; zero for a book that is not deleted
}

// Queries runs the list's statements on a pool.
type Queries struct {
	pool *pgxpool.Pool
}

// New returns the list's queries over pool, whose database holds the books
// context's migrations.
func New(pool *pgxpool.Pool) *Queries {
	return &Queries{pool: pool}
}

// columns are the columns of a Book in books.books b, in scan order.
const columns = `b.id, b.title, b.authors_string, b.published_on, b.price_cents, b.actual_price_cents,
	coalesce(b.promotion_text, ''), b.reviews_count, b.average_votes, b.tag_names, b.created_at, b.deleted_at, b.copies_sold`

// Books returns one page of the public list: at most q.Limit books that are
// not deleted, pass q.Filter and come after q.After in order q.Sort.
func (q *Queries) Books(ctx context.Context, query Query) ([]Book, error) {
	sql, args, err := booksSQL(query)
	if err != nil {
		return nil, err
	}
	return q.query(ctx, "list books", sql, args)
}

// Deleted returns one page of the soft-deleted books, the most recently
// deleted first (ties by id, descending): at most limit books that come
// after after, or from the first when after is nil.
func (q *Queries) Deleted(ctx context.Context, after *Key, limit int) ([]Book, error) {
	if limit < 1 {
		return nil, fmt.Errorf("listbooks: limit %d, want at least 1", limit)
	}
	var (
		where = "deleted_at IS NOT NULL"
		args  []any
	)
	if after != nil {
		where += " AND (deleted_at, id) < ($1, $2)"
		args = append(args, after.DeletedAt, after.ID)
	}
	// The limit is written out, as in Books.
	sql := "SELECT " + columns + "\nFROM books.books b\nWHERE " + where +
		"\nORDER BY deleted_at DESC, id DESC\nLIMIT " + strconv.Itoa(limit)
	return q.query(ctx, "list deleted books", sql, args)
}

// booksSQL builds the statement of one page of the public list and its
// arguments.
func booksSQL(query Query) (string, []any, error) {
	if !query.Sort.Valid() {
		return "", nil, fmt.Errorf("listbooks: unknown sort %d", query.Sort)
	}
	if query.Limit < 1 {
		return "", nil, fmt.Errorf("listbooks: limit %d, want at least 1", query.Limit)
	}
	spec := sorts[query.Sort]
	// A tag's books are read from books.book_tags, whose columns copy
	// their book's of the same names (but book_id for id), so the filters
	// and the keyset condition below read the same on either table.
	table, id := "books.books", "id"
	var (
		where = []string{"deleted_at IS NULL"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	f := query.Filter
	// tested is whether a filter is tested on the entries of the index that
	// orders the page rather than being a range of it: then the page takes
	// two steps (see the end).
	tested := f.Tag != "" || (f.MinVotes > 0 && query.Sort != ByVotes) ||
		(!f.PublishedAfter.IsZero() && query.Sort != ByPublished)
	if f.MinVotes > 0 {
		// Written as the votes sort's key, so that under that sort the
		// filter is the start of the index range; no book without reviews
		// passes, since its key is -1.
		where = append(where, votesKey+" >= "+arg(float64(f.MinVotes)))
	}
	switch {
	case f.Year == 0:
	case query.Sort == ByPublished:
		// A range of the sort's own index.
		where = append(where, "published_on >= "+arg(time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)),
			"published_on < "+arg(time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)))
	default:
		// The leading column of the sort's year index (books_year_*_idx), an
		// equality, so the year's books come in the sort's order. The
		// expression must match the index's character for character. With
		// a tag, it is tested on the tag index's copy of published_on.
		where = append(where, yearKey+" = "+arg(f.Year))
	}
	if !f.PublishedAfter.IsZero() {
		after := date(f.PublishedAfter)
		where = append(where, "published_on > "+arg(after))
		if f.Tag == "" && f.Year == 0 && query.Sort != ByPublished && !after.Before(recentSince) {
			// Implied by the line above, and written out so that PostgreSQL
			// can use the sort's recent index (books_recent_*_idx), whose
			// predicate this is: it cannot prove the implication from a
			// parameter.
			where = append(where, recentPredicate)
		}
	}
	if f.Tag != "" {
		// The leading column of the sort's tag index (book_tags_*_idx), an
		// equality, so the tag's books come in the sort's order, and a
		// rare tag costs no more per page than a common one: testing the
		// tag on every entry of the sort's books index walked about
		// 100 / (the tag's share of the books) entries per page. The
		// tag index also wins over a year index: it holds the published
		// date the year is tested on. See docs/decisions.md.
		table, id = "books.book_tags", "book_id"
		where = append(where, "tag_name = "+arg(f.Tag))
	}
	dir, cmp := " ASC", ">"
	if spec.desc {
		dir, cmp = " DESC", "<"
	}
	if a := query.After; a != nil {
		// A row comparison on (key, id) is one index range start, which
		// a pair of ORed conditions would not be.
		var v any
		switch query.Sort {
		case ByNewest:
			v = a.CreatedAt
		case ByVotes:
			v = a.Votes
		case ByPublished:
			v = date(a.PublishedOn)
		case ByBestsellers:
			v = a.CopiesSold
		default:
			v = a.PriceCents
		}
		where = append(where, "("+spec.key+", "+id+") "+cmp+" ("+arg(v)+", "+arg(a.ID)+")")
	}
	// The limit is written out, not a parameter: pgx prepares each
	// statement, and PostgreSQL's generic plan for a statement with an
	// unknown limit reads or joins the whole table.
	inner := spec.key + dir + ", " + id + dir
	if !tested {
		// One step: every filter is a range of the index, so an index scan
		// in its order reads exactly the page's rows. Always of books.books:
		// a tag is tested (the tag rows are another table), so table and id
		// are still the book's here.
		sql := "SELECT " + columns + "\nFROM books.books b\nWHERE " + strings.Join(where, "\n  AND ") +
			"\nORDER BY " + inner + "\nLIMIT " + strconv.Itoa(query.Limit) + "\n"
		return sql, args, nil
	}
	// Two steps in one statement: the page's ids come from an index-only
	// scan of the sort's covering index (of books.books, or of
	// books.book_tags for a tag), which tests each book's filters on the
	// index entry; then only those books are read from books.books. One
	// step would read the row of every book the filters reject. The page
	// keeps the index's order (a nested loop over it), so the outer ORDER
	// BY costs no sort. For a page that rejects none, the second step's
	// probe of the primary key per book makes it dearer than one step
	// (docs/performance.md has pgbench's numbers).
	outer := "page.key" + dir + ", page.id" + dir
	selected := "id"
	if id != "id" {
		selected = id + " AS id"
	}
	sql := "SELECT " + columns + "\nFROM (\n  SELECT " + selected + ", " + spec.key + " AS key\n  FROM " + table + "\n  WHERE " +
		strings.Join(where, "\n    AND ") + "\n  ORDER BY " + inner + "\n  LIMIT " + strconv.Itoa(query.Limit) +
		"\n) AS page\nJOIN books.books b ON b.id = page.id\nORDER BY " + outer + "\n"
	return sql, args, nil
}

// date returns midnight UTC of t's calendar day (in t's location), the
// time.Time that pgx sends as that date.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// query runs one read of a list, once more if its connection had been ended
// under it (pgtx.Read).
func (q *Queries) query(ctx context.Context, op, sql string, args []any) ([]Book, error) {
	return pgtx.Read(ctx, q.pool, func() ([]Book, error) { return q.read(ctx, op, sql, args) })
}

func (q *Queries) read(ctx context.Context, op, sql string, args []any) ([]Book, error) {
	rows, err := q.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, pgtx.Wrap("books: "+op, err)
	}
	defer rows.Close()
	books := make([]Book, 0, 16)
	for rows.Next() {
		var (
			b       Book
			deleted *time.Time
		)
		if err := rows.Scan(&b.ID, &b.Title, &b.AuthorsString, &b.PublishedOn, &b.PriceCents, &b.ActualPriceCents,
			&b.PromotionText, &b.ReviewsCount, &b.AverageVotes, &b.TagNames, &b.CreatedAt, &deleted, &b.CopiesSold); err != nil {
			// A column that does not fit its Go type is a bug, not an outage.
			return nil, fmt.Errorf("books: %s: %w", op, err)
		}
		if b.TagNames == nil {
			b.TagNames = []string{}
		}
		if deleted != nil {
			b.DeletedAt = deleted.UTC()
		}
		b.PublishedOn, b.CreatedAt = b.PublishedOn.UTC(), b.CreatedAt.UTC()
		books = append(books, b)
	}
	return books, pgtx.Wrap("books: "+op, rows.Err())
}
