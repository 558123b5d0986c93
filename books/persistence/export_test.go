package persistence

import (
	"context"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/pgtx"
	"github.com/jackc/pgx/v5"
)

// LockForReview makes s add reviews the row-lock way (addReviewLocked), for
// the tests and benchmarks that hold the two ways against each other.
func (s *Store) LockForReview() { s.lockForReview = true }

// AddReviewTwoStatements is the atomic increment as a transaction of two
// statements (UPDATE, then INSERT) instead of AddReview's one; it exists only
// to be measured against it.
func (s *Store) AddReviewTwoStatements(ctx context.Context, r domain.Review) error {
	return pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE books.books SET reviews_count = reviews_count + 1, votes_sum = votes_sum + $2
			WHERE id = $1 AND deleted_at IS NULL`,
			r.BookID(), r.NumStars())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.ErrBookNotFound
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO books.reviews (id, book_id, user_id, voter_name, num_stars, comment, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID(), r.BookID(), nullUUID(r.VoterID()), r.VoterName(), r.NumStars(), r.Comment(), r.CreatedAt())
		return err
	})
}
