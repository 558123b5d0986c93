package persistence_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)

func newStore(tb testing.TB) (*persistence.Store, *pgxpool.Pool) {
	tb.Helper()
	pool := testdb.New(tb, persistence.Migrations())
	return persistence.NewStore(pool), pool
}

func mustAddBook(tb testing.TB, store *persistence.Store, change func(*domain.BookInput)) *domain.Book {
	tb.Helper()
	in := domain.BookInput{
		Title:       "Refactoring",
		Description: "Improving the design of existing code.",
		PublishedOn: time.Date(2018, 11, 20, 0, 0, 0, 0, time.UTC),
		Publisher:   "Addison-Wesley",
		PriceCents:  4999,
		ImageURL:    "https://example.com/refactoring.jpg",
		Authors:     []string{"Martin Fowler", "Kent Beck"},
		Tags:        []string{"Refactoring", "Design"},
	}
	if change != nil {
		change(&in)
	}
	b, err := domain.NewBook(in, now)
	if err != nil {
		tb.Fatal(err)
	}
	if err := store.AddBook(context.Background(), b); err != nil {
		tb.Fatalf("AddBook: %v", err)
	}
	return b
}

func mustReview(tb testing.TB, bookID uuid.UUID, stars int, at time.Time) domain.Review {
	tb.Helper()
	r, err := domain.NewReview(bookID, uuid.Must(uuid.NewV7()), "Ann", stars, "", at)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func queryRow[T any](tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) T {
	tb.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return v
}

// bookView is what a test compares of a book.
type bookView struct {
	ID                      uuid.UUID
	Title, Description      string
	PublishedOn             time.Time
	Publisher, ImageURL     string
	Price, Actual           int64
	Promotion               string
	Authors, Tags           []string
	ReviewsCount            int
	VotesSum                int64
	CreatedAt               time.Time
	Deleted                 bool
	AuthorsString           string
	AverageVotes            float64
	HasAverage, OnPromotion bool
}

func view(b *domain.Book) bookView {
	p, onPromotion := b.Promotion()
	avg, hasAvg := b.AverageVotes()
	return bookView{ID: b.ID(), Title: b.Title(), Description: b.Description(), PublishedOn: b.PublishedOn(),
		Publisher: b.Publisher(), ImageURL: b.ImageURL(), Price: b.PriceCents(), Actual: b.ActualPriceCents(),
		Promotion: p.Text, Authors: b.Authors(), Tags: b.Tags(), ReviewsCount: b.ReviewsCount(), VotesSum: b.VotesSum(),
		CreatedAt: b.CreatedAt(), Deleted: b.Deleted(), AuthorsString: b.AuthorsString(), AverageVotes: avg,
		HasAverage: hasAvg, OnPromotion: onPromotion}
}

func TestAddBookAndReadBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	b := mustAddBook(t, store, nil)

	got, reviews, err := store.Book(ctx, b.ID())
	if err != nil {
		t.Fatalf("Book: %v", err)
	}
	if diff := cmp.Diff(view(b), view(got)); diff != "" {
		t.Errorf("book read back (-want +got):\n%s", diff)
	}
	if len(reviews) != 0 {
		t.Errorf("reviews of a new book: %v", reviews)
	}

	// The cached columns hold what the book list shows.
	if s := queryRow[string](t, pool, `SELECT authors_string FROM books.books WHERE id = $1`, b.ID()); s != "Martin Fowler, Kent Beck" {
		t.Errorf("authors_string = %q", s)
	}
	if tags := queryRow[[]string](t, pool, `SELECT tag_names FROM books.books WHERE id = $1`, b.ID()); !cmp.Equal(tags, []string{"Design", "Refactoring"}) {
		t.Errorf("tag_names = %q, want sorted", tags)
	}
	if a := queryRow[int64](t, pool, `SELECT actual_price_cents FROM books.books WHERE id = $1`, b.ID()); a != 4999 {
		t.Errorf("actual_price_cents = %d, want the price", a)
	}
	if n := queryRow[int](t, pool, `SELECT count(*) FROM books.book_tags WHERE book_id = $1`, b.ID()); n != 2 {
		t.Errorf("%d book_tags rows, want 2", n)
	}

	if _, _, err := store.Book(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, domain.ErrBookNotFound) {
		t.Errorf("Book(unknown) error = %v, want ErrBookNotFound", err)
	}
}

// Authors and tags are shared between books: a name is stored once.
func TestAuthorsAndTagsAreShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	mustAddBook(t, store, nil)
	tdd := mustAddBook(t, store, func(in *domain.BookInput) {
		in.Title, in.Authors, in.Tags = "TDD by Example", []string{"Kent Beck"}, []string{"Testing", "Design"}
	})
	if n := queryRow[int](t, pool, `SELECT count(*) FROM books.authors`); n != 2 {
		t.Errorf("%d authors, want 2", n)
	}
	got, _, err := store.Book(ctx, tdd.ID())
	if err != nil || !cmp.Equal(got.Authors(), []string{"Kent Beck"}) {
		t.Errorf("Book = %v, %v; want the one author", got.Authors(), err)
	}
	tags, _, err := store.Choices(ctx)
	if err != nil {
		t.Fatalf("Choices: %v", err)
	}
	if diff := cmp.Diff([]string{"Design", "Refactoring", "Testing"}, tags); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
}

// Books naming the same new authors, in different orders, added at once: all
// are stored, each author once, each book with its own order.
func TestAddBooksConcurrentlyWithTheSameNewAuthors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	orders := [][]string{{"A", "B", "C"}, {"C", "B", "A"}, {"B", "C", "A"}}
	const n = 30
	books := make([]*domain.Book, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			b, err := domain.NewBook(domain.BookInput{Title: fmt.Sprint("Book ", i), PublishedOn: now,
				Authors: orders[i%3], Tags: []string{"Tag " + orders[i%3][0], "Shared"}}, now)
			if err != nil {
				t.Error(err)
				return
			}
			if err := store.AddBook(ctx, b); err != nil {
				t.Errorf("AddBook %d: %v", i, err)
			}
			books[i] = b
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if got := queryRow[int](t, pool, `SELECT count(*) FROM books.authors`); got != 3 {
		t.Errorf("%d authors, want 3", got)
	}
	if got := queryRow[int](t, pool, `SELECT count(*) FROM books.tags`); got != 4 {
		t.Errorf("%d tags, want 4", got)
	}
	for i, b := range books {
		got, _, err := store.Book(ctx, b.ID())
		if err != nil || !cmp.Equal(got.Authors(), orders[i%3]) {
			t.Errorf("book %d: authors %v, %v; want %v", i, got.Authors(), err, orders[i%3])
		}
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	b := mustAddBook(t, store, nil)
	day := time.Date(2030, 1, 31, 0, 0, 0, 0, time.UTC)
	err := store.Update(ctx, b.ID(), func(b *domain.Book) error {
		if err := b.ChangePublishedOn(day); err != nil {
			return err
		}
		return b.SetPromotion(2500, "Half price")
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, _, err := store.Book(ctx, b.ID())
	if err != nil {
		t.Fatal(err)
	}
	p, ok := got.Promotion()
	if !got.PublishedOn().Equal(day) || !ok || p != (domain.Promotion{ActualPriceCents: 2500, Text: "Half price"}) || got.ActualPriceCents() != 2500 {
		t.Errorf("after Update: published %v, promotion %+v (%t), actual %d", got.PublishedOn(), p, ok, got.ActualPriceCents())
	}
	if a := queryRow[int64](t, pool, `SELECT actual_price_cents FROM books.books WHERE id = $1`, b.ID()); a != 2500 {
		t.Errorf("actual_price_cents = %d, want 2500", a)
	}

	// The change's error comes back unchanged, and nothing is stored.
	err = store.Update(ctx, b.ID(), func(b *domain.Book) error {
		if err := b.RemovePromotion(); err != nil {
			return err
		}
		return b.SetPromotion(9999, "Not a promotion")
	})
	if !errors.Is(err, errs.RuleBroken) || errs.FieldsOf(err)["actualPrice"] == "" {
		t.Errorf("Update with a broken rule: error %v, want errs.RuleBroken naming actualPrice", err)
	}
	if a := queryRow[int64](t, pool, `SELECT actual_price_cents FROM books.books WHERE id = $1`, b.ID()); a != 2500 {
		t.Errorf("a failed Update changed actual_price_cents to %d", a)
	}
	plain := errors.New("not a domain error")
	if err := store.Update(ctx, b.ID(), func(*domain.Book) error { return plain }); err != plain {
		t.Errorf("Update error = %v, want the change's own error", err)
	}

	called := false
	err = store.Update(ctx, uuid.Must(uuid.NewV7()), func(*domain.Book) error { called = true; return nil })
	if !errors.Is(err, domain.ErrBookNotFound) || called {
		t.Errorf("Update(unknown) = %v (change called: %t), want ErrBookNotFound", err, called)
	}
}

func TestSoftDeleteAndRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	b := mustAddBook(t, store, nil)
	if err := store.Update(ctx, b.ID(), func(b *domain.Book) error { b.SoftDelete(now); return nil }); err != nil {
		t.Fatalf("soft delete: %v", err)
	}
	if _, _, err := store.Book(ctx, b.ID()); !errors.Is(err, domain.ErrBookNotFound) {
		t.Errorf("Book(deleted) error = %v, want ErrBookNotFound", err)
	}
	if at := queryRow[time.Time](t, pool, `SELECT deleted_at FROM books.books WHERE id = $1`, b.ID()); !at.Equal(now) {
		t.Errorf("deleted_at = %v, want the clock's %v", at, now)
	}
	// Hidden books are seen (and kept) by Update, where the domain decides.
	err := store.Update(ctx, b.ID(), func(b *domain.Book) error { return b.SetPromotion(100, "Sale") })
	if !errors.Is(err, domain.ErrBookNotFound) {
		t.Errorf("promotion of a deleted book: error %v, want ErrBookNotFound", err)
	}
	if err := store.AddReviewOnly(ctx, mustReview(t, b.ID(), 5, now)); !errors.Is(err, domain.ErrBookNotFound) {
		t.Errorf("AddReview(deleted book) error = %v, want ErrBookNotFound", err)
	}
	if err := store.Update(ctx, b.ID(), func(b *domain.Book) error { b.Restore(); return nil }); err != nil {
		t.Fatalf("restore: %v", err)
	}
	got, _, err := store.Book(ctx, b.ID())
	if err != nil || got.Deleted() {
		t.Errorf("Book after restore = %v, %v", got, err)
	}
	if n := queryRow[int](t, pool, `SELECT count(*) FROM books.reviews`); n != 0 {
		t.Errorf("%d reviews stored for a deleted book", n)
	}
}

func TestAddReview(t *testing.T) {
	for _, locked := range []bool{false, true} {
		t.Run(fmt.Sprintf("locked=%t", locked), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store, pool := newStore(t)
			addReview := store.AddReviewOnly
			if locked {
				addReview = store.AddReviewLocked
			}
			b := mustAddBook(t, store, nil)
			var want []domain.Review
			var sum int64
			for i := range 25 {
				r := mustReview(t, b.ID(), i%6, now.Add(time.Duration(i)*time.Minute))
				if err := addReview(ctx, r); err != nil {
					t.Fatalf("AddReview %d: %v", i, err)
				}
				want = append([]domain.Review{r}, want...)
				sum += int64(i % 6)
			}
			demo, err := domain.NewReview(b.ID(), uuid.Nil, "Demo Reader", 3, "Generated.", now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if err := addReview(ctx, demo); err != nil {
				t.Fatalf("AddReview(demo): %v", err)
			}
			got, reviews, err := store.Book(ctx, b.ID())
			if err != nil {
				t.Fatal(err)
			}
			if got.ReviewsCount() != 26 || got.VotesSum() != sum+3 {
				t.Errorf("count %d, sum %d; want 26, %d", got.ReviewsCount(), got.VotesSum(), sum+3)
			}
			if diff := cmp.Diff(want[:20], reviews, cmp.AllowUnexported(domain.Review{})); diff != "" {
				t.Errorf("the 20 newest reviews (-want +got):\n%s", diff)
			}
			if n := queryRow[int](t, pool, `SELECT count(*) FROM books.reviews WHERE user_id IS NULL AND id = $1`, demo.ID()); n != 1 {
				t.Error("a review without an account was not stored with user_id NULL")
			}
			if err := addReview(ctx, mustReview(t, uuid.Must(uuid.NewV7()), 1, now)); !errors.Is(err, domain.ErrBookNotFound) {
				t.Errorf("AddReview(unknown book) error = %v, want ErrBookNotFound", err)
			}
		})
	}
}

// TestConcurrentReviews races many reviews of one book, each way of
// counting them: none may be lost, and the average's copies on the book's
// tag rows end exact.
func TestConcurrentReviews(t *testing.T) {
	for _, locked := range []bool{false, true} {
		t.Run(fmt.Sprintf("locked=%t", locked), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store, pool := newStore(t)
			addReview := store.AddReviewOnly
			if locked {
				addReview = store.AddReviewLocked
			}
			b := mustAddBook(t, store, nil)
			const n = 200
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				sum   atomic.Int64
			)
			for i := range n {
				wg.Go(func() {
					<-start
					stars := (i * 7) % 6
					if err := addReview(ctx, mustReview(t, b.ID(), stars, now)); err != nil {
						t.Errorf("AddReview: %v", err)
						return
					}
					sum.Add(int64(stars))
				})
			}
			close(start)
			wg.Wait()
			got, _, err := store.Book(ctx, b.ID())
			if err != nil {
				t.Fatal(err)
			}
			if got.ReviewsCount() != n || got.VotesSum() != sum.Load() {
				t.Errorf("count %d, sum %d; want %d, %d", got.ReviewsCount(), got.VotesSum(), n, sum.Load())
			}
			if rows := queryRow[int](t, pool, `SELECT count(*) FROM books.reviews`); rows != n {
				t.Errorf("%d review rows, want %d", rows, n)
			}
			avg := queryRow[float64](t, pool, `SELECT average_votes FROM books.books WHERE id = $1`, b.ID())
			if want := float64(sum.Load()) / n; avg != want {
				t.Errorf("average_votes = %v, want %v", avg, want)
			}
			// Every review copied its average to the book's tag rows; the
			// last copy written is the final average.
			checkTagCopies(t, pool, b.ID(), 2, tagCopies{CreatedAt: now, AverageVotes: &avg,
				PublishedOn: time.Date(2018, 11, 20, 0, 0, 0, 0, time.UTC), ActualPriceCents: 4999})
		})
	}
}

func TestTagsSortInByteOrder(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = []string{"go", "Go", "Ärger", "Architecture", "ai"} })
	tags, _, err := store.Choices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Architecture", "Go", "ai", "go", "Ärger"}, tags); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
	empty, _ := newStore(t)
	if tags, years, err := empty.Choices(context.Background()); err != nil || len(tags) != 0 || len(years) != 0 {
		t.Errorf("Choices of an empty catalogue = %q, %v, %v", tags, years, err)
	}
}

// TestChoicesFollowEveryWrite checks the filter choices after each write
// that changes them — a book added, re-dated, deleted, restored; a tag added
// or removed by hand — also when the write came from another Store (another
// app instance on the same database) or from plain SQL.
func TestChoicesFollowEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	other := persistence.NewStore(pool)
	check := func(step string, wantTags []string, wantYears []int) {
		t.Helper()
		tags, years, err := store.Choices(ctx)
		if err != nil {
			t.Fatalf("%s: Choices: %v", step, err)
		}
		if !cmp.Equal(tags, wantTags, cmpopts.EquateEmpty()) || !cmp.Equal(years, wantYears, cmpopts.EquateEmpty()) {
			t.Errorf("%s: Choices = %q, %v; want %q, %v", step, tags, years, wantTags, wantYears)
		}
	}
	update := func(s *persistence.Store, id uuid.UUID, change func(*domain.Book) error) {
		t.Helper()
		if err := s.Update(ctx, id, change); err != nil {
			t.Fatal(err)
		}
	}
	check("empty", nil, nil)
	a := mustAddBook(t, other, nil) // 2018, Design and Refactoring
	check("a book added by another store", []string{"Design", "Refactoring"}, []int{2018})
	b := mustAddBook(t, store, func(in *domain.BookInput) {
		in.Title, in.Tags, in.PublishedOn = "Go", []string{"Go"}, time.Date(2015, 10, 26, 0, 0, 0, 0, time.UTC)
	})
	check("a book added", []string{"Design", "Go", "Refactoring"}, []int{2018, 2015})
	update(other, b.ID(), func(b *domain.Book) error { return b.ChangePublishedOn(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) })
	check("re-dated", []string{"Design", "Go", "Refactoring"}, []int{2020, 2018})
	update(other, a.ID(), func(b *domain.Book) error { b.SoftDelete(now); return nil })
	check("deleted", []string{"Design", "Go", "Refactoring"}, []int{2020})
	update(store, a.ID(), func(b *domain.Book) error { b.Restore(); return nil })
	check("restored", []string{"Design", "Go", "Refactoring"}, []int{2020, 2018})
	if _, err := pool.Exec(ctx, `INSERT INTO books.tags (name) VALUES ('Testing')`); err != nil {
		t.Fatal(err)
	}
	check("a tag inserted by SQL", []string{"Design", "Go", "Refactoring", "Testing"}, []int{2020, 2018})
	if _, err := pool.Exec(ctx, `DELETE FROM books.tags WHERE name = 'Testing'`); err != nil {
		t.Fatal(err)
	}
	check("a tag deleted by SQL", []string{"Design", "Go", "Refactoring"}, []int{2020, 2018})
	if _, err := pool.Exec(ctx, `UPDATE books.books SET published_on = '2011-05-06' WHERE id = $1`, b.ID()); err != nil {
		t.Fatal(err)
	}
	check("re-dated by SQL", []string{"Design", "Go", "Refactoring"}, []int{2018, 2011})
	if tags, err := store.Tags(ctx); err != nil || !cmp.Equal(tags, []string{"Design", "Go", "Refactoring"}) {
		t.Errorf("Tags = %q, %v; want the choices' tags", tags, err)
	}
}

func TestForOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := newStore(t)
	live := mustAddBook(t, store, nil)
	deleted := mustAddBook(t, store, func(in *domain.BookInput) { in.Title = "Gone" })
	if err := store.Update(ctx, deleted.ID(), func(b *domain.Book) error { b.SoftDelete(now); return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := store.ForOrder(ctx, []uuid.UUID{uuid.Must(uuid.NewV7()), deleted.ID(), live.ID(), live.ID()})
	if err != nil {
		t.Fatalf("ForOrder: %v", err)
	}
	byID := map[uuid.UUID]persistence.OrderBook{}
	for _, b := range got {
		byID[b.ID] = b
	}
	want := map[uuid.UUID]persistence.OrderBook{
		live.ID():    {ID: live.ID(), Title: "Refactoring", ActualPriceCents: 4999},
		deleted.ID(): {ID: deleted.ID(), Title: "Gone", ActualPriceCents: 4999, Deleted: true},
	}
	if diff := cmp.Diff(want, byID); diff != "" || len(got) != 2 {
		t.Errorf("ForOrder (-want +got):\n%s(%d rows)", diff, len(got))
	}
	if got, err := store.ForOrder(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("ForOrder(none) = %v, %v", got, err)
	}
}

// TestUnreachableDatabase checks that a database out of reach is reported as
// errs.Unavailable (503), not as an unexpected failure.
func TestUnreachableDatabase(t *testing.T) {
	t.Parallel()
	// Port 1 on the loopback refuses connections at once.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := persistence.NewStore(pool)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	b, err := domain.NewBook(domain.BookInput{Title: "T", PublishedOn: now, Authors: []string{"A"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]error{
		"AddBook":   store.AddBook(ctx, b),
		"AddReview": store.AddReviewOnly(ctx, mustReview(t, id, 1, now)),
		"Update":    store.Update(ctx, id, func(*domain.Book) error { return nil }),
	}
	_, _, calls["Book"] = store.Book(ctx, id)
	_, calls["Tags"] = store.Tags(ctx)
	_, _, calls["Choices"] = store.Choices(ctx)
	_, calls["ForOrder"] = store.ForOrder(ctx, []uuid.UUID{id})
	for name, err := range calls {
		if !errors.Is(err, errs.Unavailable) || !errors.Is(err, pgtx.ErrUnavailable) {
			t.Errorf("%s on an unreachable database: error %v, want errs.Unavailable", name, err)
		}
	}
}

// TestTerminatedConnection checks what the outage measured: when
// PostgreSQL terminates the connection a store is about to use (SQLSTATE
// 57P01, as a failover or an administrator's restart does), a read is run
// again on a new connection and answers as it would have, and a write reports
// errs.Unavailable (503) — never an unexpected failure (500).
// Each call draws the pool's one connection, just terminated.
func TestTerminatedConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, terminate := testdb.OneConnection(t, testdb.New(t, persistence.Migrations()))
	store := persistence.NewStore(pool)
	id := uuid.Must(uuid.NewV7())
	b, err := domain.NewBook(domain.BookInput{Title: "T", PublishedOn: now, Authors: []string{"A"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"AddBook":   func() error { return store.AddBook(ctx, b) },
		"AddReview": func() error { return store.AddReviewOnly(ctx, mustReview(t, id, 1, now)) },
		"Update":    func() error { return store.Update(ctx, id, func(*domain.Book) error { return nil }) },
		"Book":      func() error { _, _, err := store.Book(ctx, id); return err },
		"Tags":      func() error { _, err := store.Tags(ctx); return err },
		"Choices":   func() error { _, _, err := store.Choices(ctx); return err },
		"ForOrder":  func() error { _, err := store.ForOrder(ctx, []uuid.UUID{id}); return err },
	}
	reads := map[string]bool{"Book": true, "Tags": true, "Choices": true, "ForOrder": true}
	for name, call := range calls {
		// Open the pool's one connection, then have the server end it.
		terminate()
		err := call()
		if reads[name] {
			// Read again on a fresh connection (pgtx.Read): the answer the
			// caller would have had anyway, here "not found" or nothing.
			if err != nil && errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s on a terminated connection: error %v, want the read retried on a new connection", name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s on a terminated connection succeeded; the test expects the pool to hand out the dead connection", name)
			continue
		}
		if !errors.Is(err, errs.Unavailable) || !errors.Is(err, pgtx.ErrUnavailable) {
			t.Errorf("%s on a terminated connection: error %v (kind %v), want errs.Unavailable", name, err, errs.KindOf(err))
		}
	}
}
