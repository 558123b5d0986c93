package persistence_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"example.com/bookapp/books/domain"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tagCopies are the copies of a book's list keys on one of its tag rows.
type tagCopies struct {
	CreatedAt        time.Time
	AverageVotes     *float64
	PublishedOn      time.Time
	ActualPriceCents int64
	DeletedAt        *time.Time
}

// checkTagCopies fails t unless book id has wantTags tag rows, each holding
// exactly the values of the book's row, and those are want.
func checkTagCopies(t *testing.T, pool *pgxpool.Pool, id uuid.UUID, wantTags int, want tagCopies) {
	t.Helper()
	ctx := context.Background()
	if n := queryRow[int](t, pool, `
		SELECT count(*) FROM books.book_tags t JOIN books.books b ON b.id = t.book_id
		WHERE t.book_id = $1
			AND (t.created_at, t.average_votes, t.published_on, t.actual_price_cents, t.deleted_at) IS NOT DISTINCT FROM
				(b.created_at, b.average_votes, b.published_on, b.actual_price_cents, b.deleted_at)`, id); n != wantTags {
		t.Errorf("%d tag rows copy the book's row exactly, want %d", n, wantTags)
	}
	rows, err := pool.Query(ctx, `
		SELECT created_at, average_votes, published_on, actual_price_cents, deleted_at
		FROM books.book_tags WHERE book_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[tagCopies])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("tag row copies (-want +got):\n%s", diff)
		}
	}
}

// TestTagCopiesFollowEveryWrite takes a book through every write path —
// added, reviewed, promoted, republished, promotion removed, soft-deleted,
// restored — and checks after each that every one of its tag rows holds the
// book's list keys: what the tag indexes of the list read.
func TestTagCopiesFollowEveryWrite(t *testing.T) {
	for _, locked := range []bool{false, true} {
		t.Run(fmt.Sprintf("locked=%t", locked), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store, pool := newStore(t)
			addReview := store.AddReviewOnly
			if locked {
				addReview = store.AddReviewLocked
			}
			b := mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = []string{"Go", "Design", "Testing"} })
			want := tagCopies{CreatedAt: now, PublishedOn: time.Date(2018, 11, 20, 0, 0, 0, 0, time.UTC), ActualPriceCents: 4999}
			checkTagCopies(t, pool, b.ID(), 3, want)

			for _, r := range []struct {
				stars   int
				average float64 // the book's average after this review
			}{{5, 5}, {2, 3.5}} {
				if err := addReview(ctx, mustReview(t, b.ID(), r.stars, now)); err != nil {
					t.Fatalf("AddReview: %v", err)
				}
				average := r.average
				want.AverageVotes = &average
				checkTagCopies(t, pool, b.ID(), 3, want)
			}

			update := func(change func(*domain.Book) error) {
				t.Helper()
				if err := store.Update(ctx, b.ID(), change); err != nil {
					t.Fatalf("Update: %v", err)
				}
			}
			update(func(b *domain.Book) error { return b.SetPromotion(2500, "Half price") })
			want.ActualPriceCents = 2500
			checkTagCopies(t, pool, b.ID(), 3, want)

			day := time.Date(2030, 1, 31, 0, 0, 0, 0, time.UTC)
			update(func(b *domain.Book) error { return b.ChangePublishedOn(day) })
			want.PublishedOn = day
			checkTagCopies(t, pool, b.ID(), 3, want)

			update(func(b *domain.Book) error { return b.RemovePromotion() })
			want.ActualPriceCents = 4999
			checkTagCopies(t, pool, b.ID(), 3, want)

			deleted := now.Add(time.Hour)
			update(func(b *domain.Book) error { b.SoftDelete(deleted); return nil })
			want.DeletedAt = &deleted
			checkTagCopies(t, pool, b.ID(), 3, want)

			update(func(b *domain.Book) error { b.Restore(); return nil })
			want.DeletedAt = nil
			checkTagCopies(t, pool, b.ID(), 3, want)

			// A book without tags has no tag rows to keep.
			untagged := mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = nil })
			if err := addReview(ctx, mustReview(t, untagged.ID(), 4, now)); err != nil {
				t.Fatalf("AddReview(untagged): %v", err)
			}
			if n := queryRow[int](t, pool, `SELECT count(*) FROM books.book_tags WHERE book_id = $1`, untagged.ID()); n != 0 {
				t.Errorf("%d tag rows for a book without tags", n)
			}
		})
	}
}

// TestTagCopiesUnderConcurrentWrites races reviews of one book against
// changes of its promotion and publication date, each of which writes the
// tag rows' copies, and checks that the copies end equal to the book's row:
// Update skips the tag rows whose copies already match, which is safe only
// because every writer of the copies holds the book's row lock.
func TestTagCopiesUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, pool := newStore(t)
	b := mustAddBook(t, store, func(in *domain.BookInput) { in.Tags = []string{"Go", "Design", "Testing"} })
	const reviews, updates = 40, 40
	errc := make(chan error, reviews+updates)
	for i := range reviews {
		r := mustReview(t, b.ID(), i%6, now)
		go func() { errc <- store.AddReviewOnly(ctx, r) }()
	}
	for i := range updates {
		go func() {
			errc <- store.Update(ctx, b.ID(), func(bk *domain.Book) error {
				if i%2 == 0 {
					return bk.ChangePublishedOn(time.Date(2000+i, 1, 1, 0, 0, 0, 0, time.UTC))
				}
				return bk.SetPromotion(int64(1000+i), "sale")
			})
		}()
	}
	for range reviews + updates {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if n := queryRow[int](t, pool, `SELECT reviews_count FROM books.books WHERE id = $1`, b.ID()); n != reviews {
		t.Fatalf("reviews_count = %d, want %d", n, reviews)
	}
	// Every tag row equals the book's row (checkTagCopies' first check);
	// want is read from the row itself.
	var want tagCopies
	if err := pool.QueryRow(ctx, `
		SELECT created_at, average_votes, published_on, actual_price_cents, deleted_at
		FROM books.books WHERE id = $1`, b.ID()).Scan(&want.CreatedAt, &want.AverageVotes, &want.PublishedOn,
		&want.ActualPriceCents, &want.DeletedAt); err != nil {
		t.Fatal(err)
	}
	checkTagCopies(t, pool, b.ID(), 3, want)
}
