// Package listbooks is the book list's use cases, in the books context's
// service layer: the public list (GET /api/books), sorted, filtered and paged
// by an opaque keyset cursor, and the administrators' list of soft-deleted
// books. It validates the raw query-string values, so that every bad
// parameter is an errs.Invalid naming it, and leaves the SQL to
// persistence/listbooks.
package listbooks

import (
	"context"
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/books/persistence/listbooks"
	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Page sizes: a list returns DefaultPageSize books unless the client asks for
// between 1 and MaxPageSize.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// maxTagRunes is the longest tag name the catalogue accepts (books.tags).
const maxTagRunes = 100

// The values of Query.Sort.
const (
	SortDefault   = "default" // newest first; also what "" means
	SortVotes     = "votes"
	SortPublished = "published"
	SortPrice     = "price"
	SortPriceDesc = "price_desc"
)

// YearUpcoming is the value of Query.Year that keeps the books published
// after today.
const YearUpcoming = "upcoming"

var sortsByName = map[string]listbooks.Sort{
	"":            listbooks.ByNewest,
	SortDefault:   listbooks.ByNewest,
	SortVotes:     listbooks.ByVotes,
	SortPublished: listbooks.ByPublished,
	SortPrice:     listbooks.ByPrice,
	SortPriceDesc: listbooks.ByPriceDesc,
}

// Service is the book list's use cases.
type Service struct {
	queries *listbooks.Queries
	now     func() time.Time
}

// New returns the list service over pool, whose database holds the books
// context's migrations. now is the clock that decides what "upcoming" means
// (nil means time.Now).
func New(pool *pgxpool.Pool, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{queries: listbooks.New(pool), now: now}
}

// Query asks for a page of the public list, in the raw query-string values
// the client sent; "" means the parameter is absent.
type Query struct {
	// Sort is default (newest first), votes (highest average votes first,
	// books without reviews last), published (newest publication first),
	// price (lowest actual price first) or price_desc.
	Sort string
	// Votes, 1 to 4, keeps the books whose average votes are at least that.
	Votes string
	// Year, YYYY, keeps the books published in that year; "upcoming" keeps
	// those published after today.
	Year string
	// Tag keeps the books with that tag (an unknown tag keeps none).
	Tag string
	// PageSize is 1 to 1000; absent means 100.
	PageSize string
	// Cursor is the NextCursor of the previous page of the same list, with
	// the same Sort, Votes, Year and Tag; absent asks for the first page.
	Cursor string
}

// DeletedQuery asks for a page of the soft-deleted books.
type DeletedQuery struct {
	PageSize string // 1 to 1000; absent means 100
	Cursor   string // the NextCursor of the previous page; absent asks for the first
}

// A Page is one page of a list.
type Page struct {
	Items []Item // never nil
	// NextCursor asks for the next page; "" on the last page.
	NextCursor string
}

// An Item is a book as the list shows it.
type Item struct {
	ID               uuid.UUID
	Title            string
	Authors          string    // the author names in order, joined with ", "
	PublishedOn      time.Time // midnight UTC
	PriceCents       int64
	ActualPriceCents int64  // the price after promotion
	PromotionalText  string // "" when the book has no promotion
	ReviewsCount     int
	AverageVotes     *float64 // nil when the book has no reviews
	Tags             []string // sorted; never nil
}

// List returns a page of the public list: the books that are not deleted,
// pass every filter given, in the order asked, starting after the cursor's
// position. It returns errs.Invalid naming each bad parameter (sort, votes,
// year, tag, pageSize, cursor); a cursor made for other sort or filter
// values, or not made by this list at all, is a bad cursor.
func (s *Service) List(ctx context.Context, q Query) (Page, error) {
	bad := make(map[string]string)
	sort, ok := sortsByName[q.Sort]
	if !ok {
		bad["sort"] = "must be one of default, votes, published, price, price_desc"
	}
	p := params{sort: sort, tag: q.Tag}
	if q.Votes != "" {
		if p.votes, ok = parseInt(q.Votes, 1, 4); !ok {
			bad["votes"] = "must be a whole number from 1 to 4"
		}
	}
	var filter listbooks.Filter
	switch {
	case q.Year == "":
	case q.Year == YearUpcoming:
		p.year = yearUpcoming
		filter.PublishedAfter = s.now().UTC()
	case len(q.Year) == 4:
		if p.year, ok = parseInt(q.Year, 1, 9999); ok {
			filter.Year = p.year
			break
		}
		fallthrough
	default:
		bad["year"] = `must be a year (YYYY) or "upcoming"`
	}
	if q.Tag != "" {
		if msg := validTag(q.Tag); msg != "" {
			bad["tag"] = msg
		}
	}
	limit, pageSizeOK := pageSize(q.PageSize)
	if !pageSizeOK {
		bad["pageSize"] = fmt.Sprintf("must be a whole number from 1 to %d", MaxPageSize)
	}
	var after *listbooks.Key
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		switch {
		case err != nil || c.list != listPublic:
			bad["cursor"] = "is not a cursor of this list; leave it out to start from the first page"
		case len(bad) == 0 && c.params != p:
			bad["cursor"] = "was made for other sort or filter values; leave it out to start from the first page"
		default:
			after = &c.after
		}
	}
	if len(bad) > 0 {
		return Page{}, errs.WithFields(errs.Invalid, bad)
	}
	filter.MinVotes, filter.Tag = p.votes, p.tag
	books, err := s.queries.Books(ctx, listbooks.Query{Sort: sort, Filter: filter, After: after, Limit: limit + 1})
	if err != nil {
		return Page{}, err
	}
	page := toPage(books, limit)
	if len(books) > limit {
		page.NextCursor = cursor{list: listPublic, params: p, after: sort.KeyOf(books[limit-1])}.encode()
	}
	return page, nil
}

// ListDeleted returns a page of the soft-deleted books, the most recently
// deleted first, for administrators (the caller checks the role). It returns
// errs.Invalid naming pageSize or cursor when they are bad.
func (s *Service) ListDeleted(ctx context.Context, q DeletedQuery) (Page, error) {
	bad := make(map[string]string)
	limit, ok := pageSize(q.PageSize)
	if !ok {
		bad["pageSize"] = fmt.Sprintf("must be a whole number from 1 to %d", MaxPageSize)
	}
	var after *listbooks.Key
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil || c.list != listDeleted {
			bad["cursor"] = "is not a cursor of this list; leave it out to start from the first page"
		} else {
			after = &c.after
		}
	}
	if len(bad) > 0 {
		return Page{}, errs.WithFields(errs.Invalid, bad)
	}
	books, err := s.queries.Deleted(ctx, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	page := toPage(books, limit)
	if len(books) > limit {
		page.NextCursor = cursor{list: listDeleted, after: listbooks.DeletedKeyOf(books[limit-1])}.encode()
	}
	return page, nil
}

// toPage returns the first limit books as a page without its cursor.
func toPage(books []listbooks.Book, limit int) Page {
	items := make([]Item, 0, min(len(books), limit))
	for _, b := range books[:min(len(books), limit)] {
		items = append(items, Item{
			ID:               b.ID,
			Title:            b.Title,
			Authors:          b.AuthorsString,
			PublishedOn:      b.PublishedOn,
			PriceCents:       b.PriceCents,
			ActualPriceCents: b.ActualPriceCents,
			PromotionalText:  b.PromotionText,
			ReviewsCount:     b.ReviewsCount,
			AverageVotes:     b.AverageVotes,
			Tags:             b.TagNames,
		})
	}
	return Page{Items: items}
}

// pageSize reads a page size, DefaultPageSize when absent.
func pageSize(s string) (int, bool) {
	if s == "" {
		return DefaultPageSize, true
	}
	return parseInt(s, 1, MaxPageSize)
}

// parseInt reads a plain decimal number (digits only: no sign, no spaces)
// from lo to hi.
func parseInt(s string, lo, hi int) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// validTag returns why tag cannot be a tag name, or "" if it can.
func validTag(tag string) string {
	if !utf8.ValidString(tag) || utf8.RuneCountInString(tag) > maxTagRunes {
		return fmt.Sprintf("must be a tag name: at most %d characters of text", maxTagRunes)
	}
	for _, r := range tag {
		if unicode.IsControl(r) {
			return fmt.Sprintf("must be a tag name: at most %d characters of text", maxTagRunes)
		}
	}
	return ""
}
