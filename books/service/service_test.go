package service_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/books/service"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
)

func TestAddBookAndGetBook(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := goodBook()
	in.Title = "  " + in.Title + " "
	in.Authors = []string{"Michael Feathers", "Robert C. Martin"}
	got, err := f.svc.AddBook(t.Context(), f.admin, in)
	if err != nil {
		t.Fatalf("AddBook: %v", err)
	}
	want := service.Book{
		Title:            "Working Effectively with Legacy Code",
		Description:      "Change code you do not understand.",
		PublishedOn:      time.Date(2004, 9, 22, 0, 0, 0, 0, time.UTC),
		Publisher:        "Prentice Hall",
		PriceCents:       4599,
		ActualPriceCents: 4599,
		ImageURL:         "https://example.com/legacy.jpg",
		Authors:          []string{"Michael Feathers", "Robert C. Martin"},
		Tags:             []string{"Legacy", "Testing"},
		Reviews:          []service.Review{},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(service.Book{}, "ID")); diff != "" {
		t.Errorf("AddBook (-want +got):\n%s", diff)
	}
	if got.ID.Version() != 7 {
		t.Errorf("id %v is UUID version %d, want 7", got.ID, got.ID.Version())
	}
	// Anyone reads it back, the same.
	read, err := f.svc.GetBook(t.Context(), got.ID)
	if err != nil {
		t.Fatalf("GetBook: %v", err)
	}
	if diff := cmp.Diff(got, read); diff != "" {
		t.Errorf("GetBook after AddBook (-added +read):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM books.books WHERE created_at = $1`, f.clock.Now()); n != 1 {
		t.Errorf("created_at is not the service clock's time")
	}
	if _, err := f.svc.GetBook(t.Context(), uuid.Must(uuid.NewV7())); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("GetBook(unknown) error = %v, want ErrBookNotFound", err)
	}
}

func TestAddBookValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name   string
		change func(*service.BookInput)
		want   []string // the fields at fault
	}{
		{"title empty", func(in *service.BookInput) { in.Title = "" }, []string{"title"}},
		{"title too long", func(in *service.BookInput) { in.Title = strings.Repeat("t", 257) }, []string{"title"}},
		{"no authors", func(in *service.BookInput) { in.Authors = nil }, []string{"authors"}},
		{"21 authors", func(in *service.BookInput) {
			in.Authors = nil
			for i := range 21 {
				in.Authors = append(in.Authors, strings.Repeat("a", i+1))
			}
		}, []string{"authors"}},
		{"third author empty", func(in *service.BookInput) { in.Authors = []string{"A", "B", ""} }, []string{"authors[2]"}},
		{"price negative", func(in *service.BookInput) { in.PriceCents = -1 }, []string{"price"}},
		{"price above 10000", func(in *service.BookInput) { in.PriceCents = 1_000_001 }, []string{"price"}},
		{"image not http", func(in *service.BookInput) { in.ImageURL = "data:image/png;base64,AAAA" }, []string{"imageUrl"}},
		{"tag too long", func(in *service.BookInput) { in.Tags = []string{strings.Repeat("t", 101)} }, []string{"tags[0]"}},
		{"no date", func(in *service.BookInput) { in.PublishedOn = time.Time{} }, []string{"publishedOn"}},
		{"several", func(in *service.BookInput) { *in = service.BookInput{} }, []string{"authors", "publishedOn", "title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := goodBook()
			tt.change(&in)
			_, err := f.svc.AddBook(t.Context(), f.admin, in)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("AddBook error = %v, want errs.Invalid", err)
			}
			if diff := cmp.Diff(tt.want, slices.Sorted(maps.Keys(errs.FieldsOf(err)))); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() {
		if n := f.count(t, `SELECT count(*) FROM books.books`); n != 0 {
			t.Errorf("%d books stored by invalid requests", n)
		}
	})
}

// Every administrator's use case refuses customers and anonymous callers,
// before it looks at anything else, and changes nothing.
func TestAdminUseCasesRefuseOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustAddBook(t)
	calls := map[string]func(p auth.Principal) error{
		"AddBook": func(p auth.Principal) error { _, err := f.svc.AddBook(t.Context(), p, goodBook()); return err },
		"ChangePublishedOn": func(p auth.Principal) error {
			_, err := f.svc.ChangePublishedOn(t.Context(), p, b.ID, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			return err
		},
		"SetPromotion": func(p auth.Principal) error {
			_, err := f.svc.SetPromotion(t.Context(), p, b.ID, service.PromotionInput{ActualPriceCents: 1, Text: "Sale"})
			return err
		},
		"RemovePromotion": func(p auth.Principal) error { _, err := f.svc.RemovePromotion(t.Context(), p, b.ID); return err },
		"SoftDelete":      func(p auth.Principal) error { return f.svc.SoftDelete(t.Context(), p, b.ID) },
		"Restore":         func(p auth.Principal) error { return f.svc.Restore(t.Context(), p, b.ID) },
	}
	for name, call := range calls {
		if err := call(f.customer); !errors.Is(err, auth.ErrAdminsOnly) || !errors.Is(err, errs.Forbidden) {
			t.Errorf("%s as a customer: error %v, want auth.ErrAdminsOnly (forbidden)", name, err)
		}
		if err := call(f.anon); !errors.Is(err, auth.ErrSignIn) || !errors.Is(err, errs.Unauthenticated) {
			t.Errorf("%s anonymously: error %v, want ErrSignIn (unauthenticated)", name, err)
		}
	}
	got, err := f.svc.GetBook(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Errorf("the book changed (-before +after):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM books.books`); n != 1 {
		t.Errorf("%d books, want the one the administrator added", n)
	}
}

func TestChangePublishedOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustAddBook(t)
	day := time.Date(2031, 12, 31, 0, 0, 0, 0, time.UTC)
	got, err := f.svc.ChangePublishedOn(t.Context(), f.admin, b.ID, day)
	if err != nil {
		t.Fatalf("ChangePublishedOn: %v", err)
	}
	want := b
	want.PublishedOn = day
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ChangePublishedOn (-want +got):\n%s", diff)
	}
	if _, err := f.svc.ChangePublishedOn(t.Context(), f.admin, b.ID, time.Time{}); !errors.Is(err, errs.Invalid) || errs.FieldsOf(err)["publishedOn"] == "" {
		t.Errorf("ChangePublishedOn(no date) error = %v, want errs.Invalid naming publishedOn", err)
	}
	if _, err := f.svc.ChangePublishedOn(t.Context(), f.admin, uuid.Must(uuid.NewV7()), day); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("ChangePublishedOn(unknown) error = %v, want ErrBookNotFound", err)
	}
}

func TestPromotion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustAddBook(t)
	got, err := f.svc.SetPromotion(t.Context(), f.admin, b.ID, service.PromotionInput{ActualPriceCents: 2999, Text: " Autumn sale "})
	if err != nil {
		t.Fatalf("SetPromotion: %v", err)
	}
	if got.ActualPriceCents != 2999 || got.PromotionalText != "Autumn sale" || got.PriceCents != 4599 {
		t.Errorf("after SetPromotion: price %d, actual %d, text %q", got.PriceCents, got.ActualPriceCents, got.PromotionalText)
	}

	for _, tt := range []struct {
		name  string
		in    service.PromotionInput
		kind  error
		field string
	}{
		{"at the price", service.PromotionInput{ActualPriceCents: 4599, Text: "Sale"}, errs.RuleBroken, "actualPrice"},
		{"above the price", service.PromotionInput{ActualPriceCents: 5000, Text: "Sale"}, errs.RuleBroken, "actualPrice"},
		{"negative", service.PromotionInput{ActualPriceCents: -1, Text: "Sale"}, errs.Invalid, "actualPrice"},
		{"no text", service.PromotionInput{ActualPriceCents: 1000, Text: ""}, errs.Invalid, "promotionalText"},
		{"text too long", service.PromotionInput{ActualPriceCents: 1000, Text: strings.Repeat("x", 201)}, errs.Invalid, "promotionalText"},
	} {
		_, err := f.svc.SetPromotion(t.Context(), f.admin, b.ID, tt.in)
		if !errors.Is(err, tt.kind) || errs.FieldsOf(err)[tt.field] == "" {
			t.Errorf("%s: error %v (%v), want %v naming %s", tt.name, err, errs.FieldsOf(err), tt.kind, tt.field)
		}
	}
	if read, _ := f.svc.GetBook(t.Context(), b.ID); read.ActualPriceCents != 2999 {
		t.Errorf("a refused promotion changed the actual price to %d", read.ActualPriceCents)
	}

	got, err = f.svc.RemovePromotion(t.Context(), f.admin, b.ID)
	if err != nil {
		t.Fatalf("RemovePromotion: %v", err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Errorf("after RemovePromotion, the book differs from before the promotion (-want +got):\n%s", diff)
	}
	if _, err := f.svc.RemovePromotion(t.Context(), f.admin, b.ID); err != nil {
		t.Errorf("RemovePromotion without a promotion: %v", err)
	}
	unknown := uuid.Must(uuid.NewV7())
	if _, err := f.svc.SetPromotion(t.Context(), f.admin, unknown, service.PromotionInput{ActualPriceCents: 1, Text: "Sale"}); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("SetPromotion(unknown) error = %v, want ErrBookNotFound", err)
	}
	if _, err := f.svc.RemovePromotion(t.Context(), f.admin, unknown); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("RemovePromotion(unknown) error = %v, want ErrBookNotFound", err)
	}
}

func TestSoftDeleteAndRestore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustAddBook(t)
	for range 2 { // the second time changes nothing
		if err := f.svc.SoftDelete(t.Context(), f.admin, b.ID); err != nil {
			t.Fatalf("SoftDelete: %v", err)
		}
		f.clock.Advance(time.Hour)
	}
	if n := f.count(t, `SELECT count(*) FROM books.books WHERE deleted_at = $1`, f.clock.Now().Add(-2*time.Hour)); n != 1 {
		t.Error("deleted_at is not the clock's time of the first deletion")
	}
	if _, err := f.svc.GetBook(t.Context(), b.ID); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("GetBook(deleted) error = %v, want ErrBookNotFound", err)
	}
	// A hidden book takes no changes, and no reviews.
	if _, err := f.svc.SetPromotion(t.Context(), f.admin, b.ID, service.PromotionInput{ActualPriceCents: 1, Text: "Sale"}); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("SetPromotion(deleted) error = %v, want ErrBookNotFound", err)
	}
	if _, err := f.svc.AddReview(t.Context(), f.customer, b.ID, service.ReviewInput{NumStars: 5}); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("AddReview(deleted) error = %v, want ErrBookNotFound", err)
	}
	for range 2 {
		if err := f.svc.Restore(t.Context(), f.admin, b.ID); err != nil {
			t.Fatalf("Restore: %v", err)
		}
	}
	if got, err := f.svc.GetBook(t.Context(), b.ID); err != nil || !cmp.Equal(got, b) {
		t.Errorf("GetBook after Restore = %+v, %v; want the book as it was", got, err)
	}
	unknown := uuid.Must(uuid.NewV7())
	if err := f.svc.SoftDelete(t.Context(), f.admin, unknown); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("SoftDelete(unknown) error = %v, want ErrBookNotFound", err)
	}
	if err := f.svc.Restore(t.Context(), f.admin, unknown); !errors.Is(err, service.ErrBookNotFound) {
		t.Errorf("Restore(unknown) error = %v, want ErrBookNotFound", err)
	}
}

func TestAddReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustAddBook(t)
	got, err := f.svc.AddReview(t.Context(), f.customer, b.ID, service.ReviewInput{NumStars: 4, Comment: " Useful.\nRecommended. "})
	if err != nil {
		t.Fatalf("AddReview: %v", err)
	}
	want := service.Review{VoterName: "Cy Customer", NumStars: 4, Comment: "Useful.\nRecommended.", CreatedAt: f.clock.Now()}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(service.Review{}, "ID")); diff != "" {
		t.Errorf("AddReview (-want +got):\n%s", diff)
	}
	f.clock.Advance(time.Minute)
	second, err := f.svc.AddReview(t.Context(), f.admin, b.ID, service.ReviewInput{NumStars: 1})
	if err != nil {
		t.Fatal(err)
	}
	customer := f.customer
	if n := f.count(t, `SELECT count(*) FROM books.reviews WHERE id = $1 AND user_id = $2`, got.ID, customer.UserID); n != 1 {
		t.Error("the review is not stored with the reviewer's account id")
	}
	read, err := f.svc.GetBook(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	avg := 2.5
	if read.ReviewsCount != 2 || read.AverageVotes == nil || *read.AverageVotes != avg || !cmp.Equal(read.Reviews, []service.Review{second, got}) {
		t.Errorf("book after two reviews: count %d, average %v, reviews %+v", read.ReviewsCount, read.AverageVotes, read.Reviews)
	}

	for _, tt := range []struct {
		name string
		p    auth.Principal
		id   uuid.UUID
		in   service.ReviewInput
		want error
	}{
		{"anonymous", f.anon, b.ID, service.ReviewInput{NumStars: 3}, auth.ErrSignIn},
		{"unknown book", f.customer, uuid.Must(uuid.NewV7()), service.ReviewInput{NumStars: 3}, service.ErrBookNotFound},
		{"six stars", f.customer, b.ID, service.ReviewInput{NumStars: 6}, errs.Invalid},
		{"negative stars", f.customer, b.ID, service.ReviewInput{NumStars: -1}, errs.Invalid},
		{"comment too long", f.customer, b.ID, service.ReviewInput{NumStars: 3, Comment: strings.Repeat("c", 2001)}, errs.Invalid},
	} {
		if _, err := f.svc.AddReview(t.Context(), tt.p, tt.id, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM books.reviews`); n != 2 {
		t.Errorf("%d reviews stored, want the 2 valid ones", n)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if tags, err := f.svc.Tags(t.Context()); err != nil || len(tags) != 0 {
		t.Errorf("Tags of an empty catalogue = %q, %v", tags, err)
	}
	f.mustAddBook(t)
	in := goodBook()
	in.Tags = []string{"Architecture", "Testing"}
	if _, err := f.svc.AddBook(t.Context(), f.admin, in); err != nil {
		t.Fatal(err)
	}
	tags, err := f.svc.Tags(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Architecture", "Legacy", "Testing"}, tags); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
}
