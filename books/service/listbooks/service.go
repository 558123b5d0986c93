// Package listbooks is the book list's use cases, in the books context's
// service layer: the public list (GET /api/books), sorted, filtered and paged
// by an opaque keyset cursor, and the administrators' list of soft-deleted
// books. It checks the values' ranges, so that every bad parameter is an
// errs.Invalid naming it, and leaves the SQL to persistence/listbooks.
package listbooks

import (
	"context"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/books/persistence/listbooks"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/keyset"
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
	// SortBestsellers: most copies sold first, in orders not cancelled
	// (counted from the orders context's events).
	SortBestsellers = "bestsellers"
)

// YearUpcoming is the year parameter's value that asks for Query.Upcoming.
const YearUpcoming = "upcoming"

var sortsByName = map[string]listbooks.Sort{
	"":              listbooks.ByNewest,
	SortDefault:     listbooks.ByNewest,
	SortVotes:       listbooks.ByVotes,
	SortPublished:   listbooks.ByPublished,
	SortPrice:       listbooks.ByPrice,
	SortPriceDesc:   listbooks.ByPriceDesc,
	SortBestsellers: listbooks.ByBestsellers,
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

// Query asks for a page of the public list. The zero Query asks for the
// first page of the newest books, unfiltered.
type Query struct {
	// Sort is default (newest first; also what "" means), votes (highest
	// average votes first, books without reviews last), published (newest
	// publication first), price (lowest actual price first), price_desc or
	// bestsellers (most copies sold first).
	Sort string
	// Votes, 1 to 4, keeps the books whose average votes are at least that;
	// nil keeps all.
	Votes *int
	// Year, 1 to 9999, keeps the books published in that year; nil keeps
	// all.
	Year *int
	// Upcoming keeps the books published after today (with no Year).
	Upcoming bool
	// Tag keeps the books with that tag (an unknown tag keeps none); ""
	// keeps all.
	Tag string
	// PageSize is 1 to MaxPageSize; nil means DefaultPageSize.
	PageSize *int
	// Cursor is the NextCursor of the previous page of the same list, with
	// the same Sort, Votes, Year and Tag; "" asks for the first page.
	Cursor string
}

// DeletedQuery asks for a page of the soft-deleted books.
type DeletedQuery struct {
	PageSize *int   // 1 to MaxPageSize; nil means DefaultPageSize
	Cursor   string // the NextCursor of the previous page; "" asks for the first
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
	bad := errs.Fields{}
	sort, ok := sortsByName[q.Sort]
	bad.Check("sort", !ok, "must be one of default, votes, published, price, price_desc, bestsellers")
	p := params{sort: sort, tag: q.Tag}
	if q.Votes != nil {
		p.votes = *q.Votes
		bad.Check("votes", p.votes < 1 || p.votes > 4, "must be a whole number from 1 to 4")
	}
	var filter listbooks.Filter
	const yearMessage = `must be a year from 1 to 9999 (YYYY) or "upcoming"`
	switch {
	case q.Upcoming:
		bad.Check("year", q.Year != nil, yearMessage)
		p.year = yearUpcoming
		filter.PublishedAfter = s.now().UTC()
	case q.Year != nil:
		p.year = *q.Year
		bad.Check("year", p.year < 1 || p.year > 9999, yearMessage)
		filter.Year = p.year
	}
	if q.Tag != "" {
		msg := validTag(q.Tag)
		bad.Check("tag", msg != "", msg)
	}
	limit := keyset.PageSize(bad, q.PageSize, DefaultPageSize, MaxPageSize)
	var after *listbooks.Key
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		switch {
		case err != nil || c.list != listPublic:
			bad.Check("cursor", true, keyset.BadCursorMessage)
		case len(bad) == 0 && c.params != p:
			bad.Check("cursor", true, "was made for other sort or filter values; leave it out to start from the first page")
		default:
			after = &c.after
		}
	}
	if err := bad.Err(errs.Invalid); err != nil {
		return Page{}, err
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
	bad := errs.Fields{}
	limit := keyset.PageSize(bad, q.PageSize, DefaultPageSize, MaxPageSize)
	var after *listbooks.Key
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		bad.Check("cursor", err != nil || c.list != listDeleted, keyset.BadCursorMessage)
		after = &c.after
	}
	if err := bad.Err(errs.Invalid); err != nil {
		return Page{}, err
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
