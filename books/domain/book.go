package domain

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// The limits of a book's fields, as the API documents them. Lengths count
// characters (runes); money is in cents.
const (
	MaxTitleLen       = 256
	MaxDescriptionLen = 10000
	MaxPublisherLen   = 200
	MaxImageURLLen    = 2000
	MaxAuthors        = 20
	MaxAuthorNameLen  = 200
	MaxTags           = 20
	MaxTagLen         = 100
	MaxPriceCents     = 1_000_000 // 10000.00
	MaxPromotionLen   = 200
)

// A Book is a title in the catalogue: what it is (title, authors, tags,
// description), what it costs (its price and, while it is on promotion, the
// lower actual price customers pay), what readers think of it (the count and
// sum of its reviews' stars) and whether an administrator has hidden it
// (soft-deleted: kept, but absent from every public read).
type Book struct {
	id          uuid.UUID
	title       string
	description string
	publishedOn time.Time // a date: midnight UTC
	publisher   string
	priceCents  int64
	imageURL    string
	authors     []string // in the order the book names them
	tags        []string // sorted
	promotion   *Promotion
	reviews     int   // how many reviews
	votesSum    int64 // their stars, added up
	createdAt   time.Time
	deletedAt   time.Time // zero unless soft-deleted
}

// A Promotion lowers what customers pay for a book, with a text that says
// why ("Spring sale").
type Promotion struct {
	ActualPriceCents int64
	Text             string
}

// BookInput is a new book as an administrator describes it. Description,
// Publisher, ImageURL and Tags are optional.
type BookInput struct {
	Title       string
	Description string
	PublishedOn time.Time // the day; the time of day and the location are ignored
	Publisher   string
	PriceCents  int64
	ImageURL    string
	Authors     []string // 1 to MaxAuthors distinct names, in order
	Tags        []string // at most MaxTags distinct names
}

// NewBook returns a new book with a fresh UUIDv7 id, or one errs.Invalid
// error naming every field at fault by its JSON path ("title", "authors[2]",
// "tags[0]", "price", "imageUrl", ...). Text is trimmed; the tags are sorted.
func NewBook(in BookInput, now time.Time) (*Book, error) {
	f := errs.Fields{}
	b := &Book{
		title:       f.Line("title", in.Title, true, MaxTitleLen),
		description: f.Paragraphs("description", in.Description, MaxDescriptionLen),
		publishedOn: date(f, "publishedOn", in.PublishedOn),
		publisher:   f.Line("publisher", in.Publisher, false, MaxPublisherLen),
		priceCents:  in.PriceCents,
		imageURL:    imageURL(f, "imageUrl", in.ImageURL),
		authors:     names(f, "authors", in.Authors, 1, MaxAuthors, MaxAuthorNameLen),
		tags:        names(f, "tags", in.Tags, 0, MaxTags, MaxTagLen),
		createdAt:   storageTime(now),
	}
	f.Check("price", in.PriceCents < 0 || in.PriceCents > MaxPriceCents, "must be between 0 and 10000")
	if err := f.Err(errs.Invalid); err != nil {
		return nil, err
	}
	slices.Sort(b.tags)
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new book id: %w", err)
	}
	b.id = id
	return b, nil
}

// StoredBook is a book as the persistence layer reads it back.
type StoredBook struct {
	ID          uuid.UUID
	Title       string
	Description string
	PublishedOn time.Time
	Publisher   string
	PriceCents  int64
	ImageURL    string
	Authors     []string
	Tags        []string
	Promotion   *Promotion
	Reviews     int
	VotesSum    int64
	CreatedAt   time.Time
	DeletedAt   time.Time // zero unless soft-deleted
}

// RestoreBook rebuilds a Book from a stored row, which was valid when it was
// written; it checks nothing. Only the persistence layer should call it.
func RestoreBook(s StoredBook) *Book {
	b := &Book{
		id:          s.ID,
		title:       s.Title,
		description: s.Description,
		publishedOn: dateOf(s.PublishedOn),
		publisher:   s.Publisher,
		priceCents:  s.PriceCents,
		imageURL:    s.ImageURL,
		authors:     slices.Clone(s.Authors),
		tags:        slices.Clone(s.Tags),
		reviews:     s.Reviews,
		votesSum:    s.VotesSum,
		createdAt:   s.CreatedAt.UTC(),
		deletedAt:   s.DeletedAt,
	}
	if s.Promotion != nil {
		p := *s.Promotion
		b.promotion = &p
	}
	if !b.deletedAt.IsZero() {
		b.deletedAt = b.deletedAt.UTC()
	}
	return b
}

// ID returns the book's id.
func (b *Book) ID() uuid.UUID { return b.id }

// Title returns the book's title.
func (b *Book) Title() string { return b.title }

// Description returns the book's description ("" when there is none).
func (b *Book) Description() string { return b.description }

// PublishedOn returns the day the book is (or will be) published, as
// midnight UTC.
func (b *Book) PublishedOn() time.Time { return b.publishedOn }

// Publisher returns the book's publisher ("" when unknown).
func (b *Book) Publisher() string { return b.publisher }

// PriceCents returns the book's list price in cents.
func (b *Book) PriceCents() int64 { return b.priceCents }

// ActualPriceCents returns what a customer pays for the book now, in cents:
// the promotion's price while there is one, else the list price.
func (b *Book) ActualPriceCents() int64 {
	if b.promotion != nil {
		return b.promotion.ActualPriceCents
	}
	return b.priceCents
}

// Promotion returns the book's promotion, and false when it has none.
func (b *Book) Promotion() (Promotion, bool) {
	if b.promotion == nil {
		return Promotion{}, false
	}
	return *b.promotion, true
}

// ImageURL returns the URL of the book's cover image ("" when there is none).
func (b *Book) ImageURL() string { return b.imageURL }

// Authors returns a copy of the book's author names, in order.
func (b *Book) Authors() []string { return slices.Clone(b.authors) }

// AuthorsString returns the author names joined with ", ", the form the book
// list shows.
func (b *Book) AuthorsString() string { return strings.Join(b.authors, ", ") }

// Tags returns a copy of the book's tag names, sorted.
func (b *Book) Tags() []string { return slices.Clone(b.tags) }

// ReviewsCount returns how many reviews the book has.
func (b *Book) ReviewsCount() int { return b.reviews }

// VotesSum returns the stars of all the book's reviews, added up.
func (b *Book) VotesSum() int64 { return b.votesSum }

// AverageVotes returns the mean stars of the book's reviews, and false when
// it has none.
func (b *Book) AverageVotes() (float64, bool) {
	if b.reviews == 0 {
		return 0, false
	}
	return float64(b.votesSum) / float64(b.reviews), true
}

// CreatedAt returns when the book was added to the catalogue.
func (b *Book) CreatedAt() time.Time { return b.createdAt }

// Deleted reports whether the book is soft-deleted.
func (b *Book) Deleted() bool { return !b.deletedAt.IsZero() }

// DeletedAt returns when the book was soft-deleted (zero when it is not).
func (b *Book) DeletedAt() time.Time { return b.deletedAt }

// ChangePublishedOn moves the book's publication to day (its time of day is
// ignored). It returns errs.Invalid naming "publishedOn" for no date, or
// ErrBookNotFound for a soft-deleted book.
func (b *Book) ChangePublishedOn(day time.Time) error {
	if b.Deleted() {
		return ErrBookNotFound
	}
	f := errs.Fields{}
	d := date(f, "publishedOn", day)
	if err := f.Err(errs.Invalid); err != nil {
		return err
	}
	b.publishedOn = d
	return nil
}

// SetPromotion puts the book on promotion at actualPriceCents with text,
// replacing any promotion it had. It returns errs.Invalid naming
// "promotionalText" (empty or longer than MaxPromotionLen characters) or
// "actualPrice" (negative); then errs.RuleBroken naming "actualPrice" when
// the price is not below the book's list price; or ErrBookNotFound for a
// soft-deleted book.
func (b *Book) SetPromotion(actualPriceCents int64, text string) error {
	if b.Deleted() {
		return ErrBookNotFound
	}
	f := errs.Fields{}
	text = f.Line("promotionalText", text, true, MaxPromotionLen)
	f.Check("actualPrice", actualPriceCents < 0, "must not be negative")
	if err := f.Err(errs.Invalid); err != nil {
		return err
	}
	if actualPriceCents >= b.priceCents {
		return errs.WithFields(errs.RuleBroken, map[string]string{
			"actualPrice": "must be below the book's price of " + FormatCents(b.priceCents),
		})
	}
	b.promotion = &Promotion{ActualPriceCents: actualPriceCents, Text: text}
	return nil
}

// RemovePromotion ends the book's promotion, if it has one: customers pay
// the list price again. It returns ErrBookNotFound for a soft-deleted book.
func (b *Book) RemovePromotion() error {
	if b.Deleted() {
		return ErrBookNotFound
	}
	b.promotion = nil
	return nil
}

// AddReview counts r in the book's review statistics. It returns
// ErrBookNotFound for a soft-deleted book (which takes no reviews) and an
// error when r is another book's review.
func (b *Book) AddReview(r Review) error {
	if b.Deleted() {
		return ErrBookNotFound
	}
	if r.bookID != b.id {
		return fmt.Errorf("review %s is of book %s, not of book %s", r.id, r.bookID, b.id)
	}
	b.reviews++
	b.votesSum += int64(r.numStars)
	return nil
}

// SoftDelete hides the book from every public read from now on, keeping it
// for the administrators. Deleting a deleted book changes nothing: it keeps
// its first deletion time.
func (b *Book) SoftDelete(now time.Time) {
	if !b.Deleted() {
		b.deletedAt = storageTime(now)
	}
}

// Restore undoes SoftDelete; restoring a book that is not deleted changes
// nothing.
func (b *Book) Restore() { b.deletedAt = time.Time{} }

// imageURL checks that value, trimmed, is empty or an absolute http or https
// URL with a host, of at most MaxImageURLLen characters.
func imageURL(f errs.Fields, field, value string) string {
	v := f.Line(field, value, false, MaxImageURLLen)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	ok := err == nil && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")) &&
		u.Host != "" && !strings.ContainsAny(v, " \\")
	f.Check(field, !ok, "must be an http or https URL such as https://example.com/cover.jpg")
	return v
}

// FormatCents writes an amount of cents as the API shows money: 29.99, 30.00.
func FormatCents(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
