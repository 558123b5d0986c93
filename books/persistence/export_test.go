package persistence

import (
	"context"
	"errors"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/pgtx"
	"github.com/jackc/pgx/v5"
)

// The two other ways AddReview could count a review, kept here, out of
// production, for the tests that hold each to AddReview's guarantees and the
// benchmark that measures the three against each other (bench_test.go).

// AddReviewLocked is AddReview the row-lock way: read the book under a row
// lock, count the review in the domain, write the counters back (and the
// average's copies on the tag rows, in the same statement: writeBook) and
// insert the review, in one transaction of four statements.
func (s *Store) AddReviewLocked(ctx context.Context, r domain.Review) error {
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		b, err := lockBook(ctx, tx, r.BookID())
		if err != nil {
			return err
		}
		if err := b.AddReview(r); err != nil {
			return err
		}
		if err := writeBook(ctx, tx, b); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO books.reviews (id, book_id, user_id, voter_name, num_stars, comment, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID(), r.BookID(), nullUUID(r.VoterID()), r.VoterName(), r.NumStars(), r.Comment(), r.CreatedAt())
		return err
	})
	if errors.Is(err, domain.ErrBookNotFound) {
		return err
	}
	return pgtx.Wrap("books: add review", err)
}

// AddReviewTwoStatements is the atomic increment as a transaction of two
// statements (UPDATE, then INSERT) instead of AddReview's one; it exists only
// to be measured against it.
func (s *Store) AddReviewTwoStatements(ctx context.Context, r domain.Review) error {
	return pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		// The counters and the average's copies on the tag rows, as
		// AddReview writes them.
		var n int
		err := tx.QueryRow(ctx, `
			WITH counted AS (
				UPDATE books.books SET reviews_count = reviews_count + 1, votes_sum = votes_sum + $2
				WHERE id = $1 AND deleted_at IS NULL
				RETURNING id, average_votes
			), copied AS (
				UPDATE books.book_tags t SET average_votes = counted.average_votes
				FROM counted WHERE t.book_id = counted.id
			)
			SELECT count(*) FROM counted`,
			r.BookID(), r.NumStars()).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrBookNotFound
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO books.reviews (id, book_id, user_id, voter_name, num_stars, comment, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID(), r.BookID(), nullUUID(r.VoterID()), r.VoterName(), r.NumStars(), r.Comment(), r.CreatedAt())
		return err
	})
}

// AddReviewOnly is AddReview without the stored review, for the tests that
// compare the ways of counting a review by their errors alone.
func (s *Store) AddReviewOnly(ctx context.Context, r domain.Review) error {
	_, err := s.AddReview(ctx, r)
	return err
}
