package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

var now = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

// goodInput is a valid new book; tests change one thing at a time.
func goodInput() domain.BookInput {
	return domain.BookInput{
		Title:       "Domain-Driven Design",
		Description: "Tackling complexity\nin the heart of software.",
		PublishedOn: time.Date(2003, 8, 20, 0, 0, 0, 0, time.UTC),
		Publisher:   "Addison-Wesley",
		PriceCents:  5999,
		ImageURL:    "https://example.com/ddd.jpg",
		Authors:     []string{"Eric Evans"},
		Tags:        []string{"Design", "Architecture"},
	}
}

func mustNewBook(t *testing.T, change func(*domain.BookInput)) *domain.Book {
	t.Helper()
	in := goodInput()
	if change != nil {
		change(&in)
	}
	b, err := domain.NewBook(in, now)
	if err != nil {
		t.Fatalf("NewBook: %v", err)
	}
	return b
}

func TestNewBook(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, func(in *domain.BookInput) {
		in.Title = "  Domain-Driven Design "
		in.Authors = []string{" Eric Evans", "Martin Fowler "}
		// The time of day and the location do not move the date.
		in.PublishedOn = time.Date(2003, 8, 20, 23, 30, 0, 0, time.FixedZone("PDT", -7*3600))
	})
	got := []any{b.Title(), b.Description(), b.PublishedOn(), b.Publisher(), b.PriceCents(), b.ActualPriceCents(),
		b.ImageURL(), b.Authors(), b.AuthorsString(), b.Tags(), b.ReviewsCount(), b.VotesSum(), b.Deleted()}
	want := []any{"Domain-Driven Design", "Tackling complexity\nin the heart of software.",
		time.Date(2003, 8, 20, 0, 0, 0, 0, time.UTC), "Addison-Wesley", int64(5999), int64(5999),
		"https://example.com/ddd.jpg", []string{"Eric Evans", "Martin Fowler"}, "Eric Evans, Martin Fowler",
		[]string{"Architecture", "Design"}, 0, int64(0), false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("book (-want +got):\n%s", diff)
	}
	if b.ID().Version() != 7 {
		t.Errorf("ID() is a version %d UUID, want 7", b.ID().Version())
	}
	if got, want := b.CreatedAt(), time.Date(2026, 3, 14, 14, 9, 26, 535897000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("CreatedAt() = %v, want %v", got, want)
	}
	if _, ok := b.AverageVotes(); ok {
		t.Error("AverageVotes() of a book without reviews reports a value")
	}
	if _, ok := b.Promotion(); ok {
		t.Error("a new book is on promotion")
	}
	// The getters hand out copies.
	b.Authors()[0], b.Tags()[0] = "Mallory", "Mallory"
	if b.Authors()[0] != "Eric Evans" || b.Tags()[0] != "Architecture" {
		t.Error("changing a returned slice changed the book")
	}
}

func TestNewBookOptionalFields(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, func(in *domain.BookInput) {
		in.Description, in.Publisher, in.ImageURL, in.Tags, in.PriceCents = "", "", "", nil, 0
	})
	if b.Description() != "" || b.Publisher() != "" || b.ImageURL() != "" || len(b.Tags()) != 0 || b.PriceCents() != 0 {
		t.Errorf("book %+v, want the optional fields empty and a price of 0", b)
	}
}

func TestNewBookValidation(t *testing.T) {
	t.Parallel()
	n := func(s string, k int) string { return strings.Repeat(s, k) }
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = "Author " + string(rune('A'+i))
	}
	tests := []struct {
		name   string
		change func(*domain.BookInput)
		want   map[string]string // nil: valid
	}{
		{name: "valid", change: func(*domain.BookInput) {}},
		{name: "title of 256 characters", change: func(in *domain.BookInput) { in.Title = n("é", 256) }},
		{name: "20 authors", change: func(in *domain.BookInput) { in.Authors = twenty }},
		{name: "20 tags", change: func(in *domain.BookInput) { in.Tags = twenty }},
		{name: "price 10000.00", change: func(in *domain.BookInput) { in.PriceCents = 1_000_000 }},
		{name: "http image URL", change: func(in *domain.BookInput) { in.ImageURL = "HTTP://img.example.com:8080/a.png?size=2" }},
		{name: "description with paragraphs and tabs", change: func(in *domain.BookInput) { in.Description = "One.\r\n\r\n\tTwo." }},
		{name: "title empty", change: func(in *domain.BookInput) { in.Title = "" },
			want: map[string]string{"title": "is required"}},
		{name: "title blank", change: func(in *domain.BookInput) { in.Title = " \t " },
			want: map[string]string{"title": "is required"}},
		{name: "title too long", change: func(in *domain.BookInput) { in.Title = n("x", 257) },
			want: map[string]string{"title": "must be at most 256 characters"}},
		{name: "title with a line break", change: func(in *domain.BookInput) { in.Title = "A\nB" },
			want: map[string]string{"title": "must not contain control characters"}},
		{name: "title not UTF-8", change: func(in *domain.BookInput) { in.Title = "A\xffB" },
			want: map[string]string{"title": "must be valid UTF-8"}},
		{name: "description too long", change: func(in *domain.BookInput) { in.Description = n("d", 10001) },
			want: map[string]string{"description": "must be at most 10000 characters"}},
		{name: "description with NUL", change: func(in *domain.BookInput) { in.Description = "a\x00b" },
			want: map[string]string{"description": "must not contain control characters"}},
		{name: "publisher too long", change: func(in *domain.BookInput) { in.Publisher = n("p", 201) },
			want: map[string]string{"publisher": "must be at most 200 characters"}},
		{name: "no publication date", change: func(in *domain.BookInput) { in.PublishedOn = time.Time{} },
			want: map[string]string{"publishedOn": "is required"}},
		{name: "publication in year 10000", change: func(in *domain.BookInput) { in.PublishedOn = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
			want: map[string]string{"publishedOn": "must be a date between 0001-01-01 and 9999-12-31"}},
		{name: "price negative", change: func(in *domain.BookInput) { in.PriceCents = -1 },
			want: map[string]string{"price": "must be between 0 and 10000"}},
		{name: "price above 10000", change: func(in *domain.BookInput) { in.PriceCents = 1_000_001 },
			want: map[string]string{"price": "must be between 0 and 10000"}},
		{name: "image URL ftp", change: func(in *domain.BookInput) { in.ImageURL = "ftp://example.com/a.png" },
			want: map[string]string{"imageUrl": "must be an http or https URL such as https://example.com/cover.jpg"}},
		{name: "image URL relative", change: func(in *domain.BookInput) { in.ImageURL = "/covers/a.png" },
			want: map[string]string{"imageUrl": "must be an http or https URL such as https://example.com/cover.jpg"}},
		{name: "image URL without host", change: func(in *domain.BookInput) { in.ImageURL = "https:///a.png" },
			want: map[string]string{"imageUrl": "must be an http or https URL such as https://example.com/cover.jpg"}},
		{name: "image URL javascript", change: func(in *domain.BookInput) { in.ImageURL = "javascript:alert(1)" },
			want: map[string]string{"imageUrl": "must be an http or https URL such as https://example.com/cover.jpg"}},
		{name: "image URL with a space", change: func(in *domain.BookInput) { in.ImageURL = "https://example.com/a b.png" },
			want: map[string]string{"imageUrl": "must be an http or https URL such as https://example.com/cover.jpg"}},
		{name: "image URL too long", change: func(in *domain.BookInput) { in.ImageURL = "https://example.com/" + n("a", 1981) },
			want: map[string]string{"imageUrl": "must be at most 2000 characters"}},
		{name: "no authors", change: func(in *domain.BookInput) { in.Authors = nil },
			want: map[string]string{"authors": "must have 1 to 20 entries"}},
		{name: "21 authors", change: func(in *domain.BookInput) { in.Authors = append(twenty, "One Too Many") },
			want: map[string]string{"authors": "must have 1 to 20 entries"}},
		{name: "an author blank", change: func(in *domain.BookInput) { in.Authors = []string{"Eric Evans", "Kent Beck", " "} },
			want: map[string]string{"authors[2]": "is required"}},
		{name: "an author name too long", change: func(in *domain.BookInput) { in.Authors = []string{n("a", 201)} },
			want: map[string]string{"authors[0]": "must be at most 200 characters"}},
		{name: "an author twice", change: func(in *domain.BookInput) { in.Authors = []string{"Kent Beck", "Eric Evans", " Kent Beck"} },
			want: map[string]string{"authors[2]": "duplicates authors[0]"}},
		{name: "21 tags", change: func(in *domain.BookInput) { in.Tags = append(twenty, "One Too Many") },
			want: map[string]string{"tags": "must have at most 20 entries"}},
		{name: "a tag empty", change: func(in *domain.BookInput) { in.Tags = []string{"Go", ""} },
			want: map[string]string{"tags[1]": "is required"}},
		{name: "a tag too long", change: func(in *domain.BookInput) { in.Tags = []string{n("t", 101)} },
			want: map[string]string{"tags[0]": "must be at most 100 characters"}},
		{name: "a tag twice", change: func(in *domain.BookInput) { in.Tags = []string{"Go", "Design", "Go"} },
			want: map[string]string{"tags[2]": "duplicates tags[0]"}},
		{name: "everything at fault", change: func(in *domain.BookInput) {
			*in = domain.BookInput{Title: "", PriceCents: -5, ImageURL: "file:///etc/passwd", Authors: []string{"A", ""}, Tags: []string{"\x01"}}
		}, want: map[string]string{
			"title":       "is required",
			"publishedOn": "is required",
			"price":       "must be between 0 and 10000",
			"imageUrl":    "must be an http or https URL such as https://example.com/cover.jpg",
			"authors[1]":  "is required",
			"tags[0]":     "must not contain control characters",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := goodInput()
			tt.change(&in)
			_, err := domain.NewBook(in, now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewBook = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("NewBook error = %v, want errs.Invalid", err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetPromotion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		actual int64
		text   string
		kind   error             // nil: success
		fields map[string]string // the fields the error names
	}{
		{name: "one cent below", actual: 5998, text: "Spring sale"},
		{name: "free", actual: 0, text: "Giveaway"},
		{name: "text of 200 characters", actual: 100, text: strings.Repeat("ü", 200)},
		{name: "at the price", actual: 5999, text: "Sale", kind: errs.RuleBroken,
			fields: map[string]string{"actualPrice": "must be below the book's price of 59.99"}},
		{name: "above the price", actual: 9999, text: "Sale", kind: errs.RuleBroken,
			fields: map[string]string{"actualPrice": "must be below the book's price of 59.99"}},
		{name: "negative", actual: -1, text: "Sale", kind: errs.Invalid,
			fields: map[string]string{"actualPrice": "must not be negative"}},
		{name: "text empty", actual: 100, text: "  ", kind: errs.Invalid,
			fields: map[string]string{"promotionalText": "is required"}},
		{name: "text too long", actual: 100, text: strings.Repeat("x", 201), kind: errs.Invalid,
			fields: map[string]string{"promotionalText": "must be at most 200 characters"}},
		// A field invalid on its own is reported before the rule.
		{name: "text empty and price too high", actual: 7000, text: "", kind: errs.Invalid,
			fields: map[string]string{"promotionalText": "is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := mustNewBook(t, nil)
			err := b.SetPromotion(tt.actual, tt.text)
			if tt.kind == nil {
				if err != nil {
					t.Fatalf("SetPromotion = %v, want success", err)
				}
				p, ok := b.Promotion()
				if !ok || p.ActualPriceCents != tt.actual || p.Text != strings.TrimSpace(tt.text) || b.ActualPriceCents() != tt.actual {
					t.Errorf("after SetPromotion: promotion %+v (%t), actual price %d", p, ok, b.ActualPriceCents())
				}
				return
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("SetPromotion error = %v, want %v", err, tt.kind)
			}
			if diff := cmp.Diff(tt.fields, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
			if _, ok := b.Promotion(); ok || b.ActualPriceCents() != b.PriceCents() {
				t.Error("a refused promotion changed the book")
			}
		})
	}
}

func TestPromotionReplacedAndRemoved(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, nil)
	for _, p := range []domain.Promotion{{ActualPriceCents: 4999, Text: "Sale"}, {ActualPriceCents: 3999, Text: "Bigger sale"}} {
		if err := b.SetPromotion(p.ActualPriceCents, p.Text); err != nil {
			t.Fatal(err)
		}
		if got, _ := b.Promotion(); got != p {
			t.Errorf("Promotion() = %+v, want %+v", got, p)
		}
	}
	for range 2 { // removing twice is harmless
		if err := b.RemovePromotion(); err != nil {
			t.Fatalf("RemovePromotion: %v", err)
		}
		if _, ok := b.Promotion(); ok || b.ActualPriceCents() != 5999 {
			t.Errorf("after RemovePromotion: on promotion %t, actual price %d, want 5999", ok, b.ActualPriceCents())
		}
	}
}

func TestChangePublishedOn(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, nil)
	if err := b.ChangePublishedOn(time.Date(2027, 2, 1, 22, 0, 0, 0, time.FixedZone("X", -10*3600))); err != nil {
		t.Fatalf("ChangePublishedOn: %v", err)
	}
	if got, want := b.PublishedOn(), time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("PublishedOn() = %v, want %v", got, want)
	}
	err := b.ChangePublishedOn(time.Time{})
	if !errors.Is(err, errs.Invalid) || errs.FieldsOf(err)["publishedOn"] != "is required" {
		t.Errorf("ChangePublishedOn(zero) error = %v (%v), want publishedOn is required", err, errs.FieldsOf(err))
	}
	if got, want := b.PublishedOn(), time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("a refused change moved PublishedOn() to %v", got)
	}
}

func TestAddReview(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, nil)
	for _, stars := range []int{5, 4, 0, 4} {
		r, err := domain.NewReview(b.ID(), uuid.Must(uuid.NewV7()), "Ann", stars, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddReview(r); err != nil {
			t.Fatalf("AddReview: %v", err)
		}
	}
	avg, ok := b.AverageVotes()
	if b.ReviewsCount() != 4 || b.VotesSum() != 13 || !ok || avg != 3.25 {
		t.Errorf("after four reviews: count %d, sum %d, average %v (%t); want 4, 13, 3.25", b.ReviewsCount(), b.VotesSum(), avg, ok)
	}
	other, err := domain.NewReview(uuid.Must(uuid.NewV7()), uuid.Nil, "Ann", 1, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AddReview(other); err == nil || b.ReviewsCount() != 4 {
		t.Errorf("AddReview(another book's review) = %v, count %d; want an error and no change", err, b.ReviewsCount())
	}
}

func TestSoftDeleteAndRestore(t *testing.T) {
	t.Parallel()
	b := mustNewBook(t, nil)
	b.SoftDelete(now)
	first := b.DeletedAt()
	if !b.Deleted() || !first.Equal(now.Truncate(time.Microsecond)) || first.Location() != time.UTC {
		t.Fatalf("after SoftDelete: deleted %t at %v, want deleted at %v UTC", b.Deleted(), first, now)
	}
	b.SoftDelete(now.Add(time.Hour))
	if !b.DeletedAt().Equal(first) {
		t.Errorf("deleting again moved the deletion time to %v", b.DeletedAt())
	}

	// A hidden book takes no changes but Restore.
	r, err := domain.NewReview(b.ID(), uuid.Nil, "Ann", 3, "", now)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"ChangePublishedOn": b.ChangePublishedOn(now),
		"SetPromotion":      b.SetPromotion(100, "Sale"),
		"RemovePromotion":   b.RemovePromotion(),
		"AddReview":         b.AddReview(r),
	} {
		if !errors.Is(err, domain.ErrBookNotFound) || !errors.Is(err, errs.NotFound) {
			t.Errorf("%s on a deleted book: error %v, want ErrBookNotFound", name, err)
		}
	}
	if _, ok := b.Promotion(); ok || b.ReviewsCount() != 0 || !b.PublishedOn().Equal(time.Date(2003, 8, 20, 0, 0, 0, 0, time.UTC)) {
		t.Error("a deleted book was changed")
	}

	b.Restore()
	if b.Deleted() || !b.DeletedAt().IsZero() {
		t.Errorf("after Restore: deleted %t at %v", b.Deleted(), b.DeletedAt())
	}
	b.Restore()
	if err := b.SetPromotion(100, "Back in stock"); err != nil {
		t.Errorf("SetPromotion after Restore: %v", err)
	}
}

func TestRestoreBook(t *testing.T) {
	t.Parallel()
	deleted := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("X", 3600))
	s := domain.StoredBook{
		ID: uuid.Must(uuid.NewV7()), Title: "T", PublishedOn: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC),
		PriceCents: 1000, Authors: []string{"A", "B"}, Tags: []string{"x"},
		Promotion: &domain.Promotion{ActualPriceCents: 500, Text: "Half"}, Reviews: 3, VotesSum: 10,
		CreatedAt: now, DeletedAt: deleted,
	}
	b := domain.RestoreBook(s)
	s.Promotion.ActualPriceCents, s.Authors[0] = 1, "Mallory" // the book keeps its own copies
	avg, _ := b.AverageVotes()
	p, _ := b.Promotion()
	got := []any{b.ID(), b.AuthorsString(), b.ActualPriceCents(), p.Text, b.ReviewsCount(), avg, b.Deleted(), b.DeletedAt().Location() == time.UTC}
	want := []any{s.ID, "A, B", int64(500), "Half", 3, 10.0 / 3, true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restored book (-want +got):\n%s", diff)
	}
}

func TestFormatCents(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 2999: "29.99", 3000: "30.00", 1_000_000: "10000.00", -250: "-2.50"} {
		if got := domain.FormatCents(cents); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", cents, got, want)
		}
	}
}
