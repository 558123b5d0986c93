package persistence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Store reads and writes single books, their authors, tags and reviews, in
// the books schema; the book lists have their own query objects. Every write
// that moves a cached column of books.books (authors_string, tag_names,
// reviews_count, votes_sum, actual_price_cents) moves it in the same
// transaction as the rows it caches, and every write that moves one of the
// book's list keys moves their copies on books.book_tags (tagCopies) with
// it. All times it stores come from the caller, so that the service's
// clock, not the database's, decides them.
type Store struct {
	pool  *pgxpool.Pool
	inbox *outbox.Inbox
}

// NewStore returns a Store over pool, whose database holds the migrations of
// Migrations.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, inbox: outbox.NewInbox(pool, Schema, 0)}
}

// AddBook stores a new book with its authors (an author is created the first
// time a book names them, and shared after that), its tags and the columns
// that cache them, in one transaction.
func (s *Store) AddBook(ctx context.Context, b *domain.Book) error {
	authors := b.Authors()
	// New authors are inserted in name order, so that two books naming the
	// same new authors in different orders cannot deadlock.
	sorted := slices.Sorted(slices.Values(authors))
	ids := make([]uuid.UUID, len(sorted))
	for i := range ids {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("new author id: %w", err)
		}
		ids[i] = id
	}
	promotionText, actual := promotionColumns(b)
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		batch.Queue(`
			INSERT INTO books.authors (id, name)
			SELECT * FROM unnest($1::uuid[], $2::text[])
			ON CONFLICT (name) DO NOTHING`,
			ids, sorted)
		batch.Queue(`
			INSERT INTO books.tags (name)
			SELECT unnest($1::text[])
			ON CONFLICT (name) DO NOTHING`,
			b.Tags())
		batch.Queue(`
			INSERT INTO books.books (id, title, description, published_on, publisher, price_cents, image_url,
				promotion_text, actual_price_cents, authors_string, tag_names, created_at, deleted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			b.ID(), b.Title(), b.Description(), b.PublishedOn(), b.Publisher(), b.PriceCents(), b.ImageURL(),
			promotionText, actual, b.AuthorsString(), b.Tags(), b.CreatedAt(), nullTime(b.DeletedAt()))
		// A separate statement sees the authors the first one inserted, and
		// those that a concurrent transaction committed meanwhile.
		batch.Queue(`
			INSERT INTO books.book_authors (book_id, position, author_id)
			SELECT $1, t.ord - 1, a.id
			FROM unnest($2::text[]) WITH ORDINALITY AS t (name, ord)
			JOIN books.authors a ON a.name = t.name`,
			b.ID(), authors)
		// The tag rows copy the book's list keys from the row inserted
		// above, so that the copies cannot differ from it.
		batch.Queue(`
			INSERT INTO books.book_tags (book_id, tag_name, `+tagCopies+`)
			SELECT b.id, t.name, `+copiesOf("b")+`
			FROM books.books b, unnest($2::text[]) AS t (name)
			WHERE b.id = $1`,
			b.ID(), b.Tags())
		return tx.SendBatch(ctx, batch).Close()
	})
	return pgtx.Wrap("books: add book", err)
}

// bookColumns selects a whole book from books.books b, its authors in order.
const bookColumns = `
	SELECT b.id, b.title, b.description, b.published_on, b.publisher, b.price_cents, b.image_url,
		b.promotion_text, b.actual_price_cents,
		ARRAY(SELECT a.name FROM books.book_authors ba JOIN books.authors a ON a.id = ba.author_id
			WHERE ba.book_id = b.id ORDER BY ba.position),
		b.tag_names, b.reviews_count, b.votes_sum, b.created_at, b.deleted_at
	FROM books.books b`

func scanBook(row pgx.Row) (*domain.Book, error) {
	var (
		s             domain.StoredBook
		promotionText *string
		actual        int64
		deletedAt     *time.Time
	)
	err := row.Scan(&s.ID, &s.Title, &s.Description, &s.PublishedOn, &s.Publisher, &s.PriceCents, &s.ImageURL,
		&promotionText, &actual, &s.Authors, &s.Tags, &s.Reviews, &s.VotesSum, &s.CreatedAt, &deletedAt)
	if err != nil {
		return nil, err
	}
	if promotionText != nil {
		s.Promotion = &domain.Promotion{ActualPriceCents: actual, Text: *promotionText}
	}
	if deletedAt != nil {
		s.DeletedAt = *deletedAt
	}
	return domain.RestoreBook(s), nil
}

// Book returns book id with its domain.NewestReviewsLen newest reviews,
// newest first, or domain.ErrBookNotFound when there is no such book or it
// is soft-deleted. The two reads travel to the database in one round trip.
func (s *Store) Book(ctx context.Context, id uuid.UUID) (*domain.Book, []domain.Review, error) {
	var (
		book    *domain.Book
		reviews []domain.Review
	)
	_, err := pgtx.Read(ctx, s.pool, func() (struct{}, error) {
		book, reviews = nil, nil
		return struct{}{}, s.pool.SendBatch(ctx, bookBatch(id, &book, &reviews)).Close()
	})
	if err != nil {
		return nil, nil, pgtx.Wrap("books: read book", err)
	}
	if book == nil {
		return nil, nil, domain.ErrBookNotFound
	}
	return book, reviews, nil
}

// bookBatch queues the two reads of Book, which scan into book and reviews.
func bookBatch(id uuid.UUID, book **domain.Book, reviews *[]domain.Review) *pgx.Batch {
	batch := &pgx.Batch{}
	batch.Queue(bookColumns+` WHERE b.id = $1 AND b.deleted_at IS NULL`, id).QueryRow(func(row pgx.Row) error {
		var err error
		*book, err = scanBook(row)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // not found: Book reports it, once the batch is done
		}
		return err
	})
	batch.Queue(`
		SELECT id, book_id, user_id, voter_name, num_stars, comment, created_at,
			EXISTS (SELECT 1 FROM books.purchases p WHERE p.book_id = r.book_id AND p.user_id = r.user_id)
		FROM books.reviews r
		WHERE book_id = $1
		ORDER BY created_at DESC, id DESC
		LIMIT $2`,
		id, domain.NewestReviewsLen).Query(func(rows pgx.Rows) error {
		var err error
		*reviews, err = pgx.CollectRows(rows, scanReview)
		return err
	})
	return batch
}

func scanReview(row pgx.CollectableRow) (domain.Review, error) {
	var (
		r      domain.StoredReview
		userID pgtype.UUID // not Valid for a review without an account
	)
	if err := row.Scan(&r.ID, &r.BookID, &userID, &r.VoterName, &r.NumStars, &r.Comment, &r.CreatedAt, &r.VerifiedPurchase); err != nil {
		return domain.Review{}, err
	}
	r.VoterID = userID.Bytes
	return domain.RestoreReview(r), nil
}

// Update runs change on book id, read under a row lock, and stores what it
// changed — its publication date, promotion and deletion — in the same
// transaction, so that concurrent updates of one book apply one after the
// other. change sees soft-deleted books too: the domain decides what a hidden
// book allows. Update returns change's error unchanged, or
// domain.ErrBookNotFound when there is no such book. change may run more than
// once (see shared/pgtx), so it must only change the book.
func (s *Store) Update(ctx context.Context, id uuid.UUID, change func(*domain.Book) error) error {
	var changeErr error
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		changeErr = nil
		b, err := lockBook(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := change(b); err != nil {
			changeErr = err
			return err
		}
		return writeBook(ctx, tx, b)
	})
	if changeErr != nil || errors.Is(err, domain.ErrBookNotFound) {
		return err
	}
	return pgtx.Wrap("books: update book", err)
}

// lockBook reads book id, soft-deleted or not, and locks its row until the
// transaction ends; domain.ErrBookNotFound if there is none.
func lockBook(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*domain.Book, error) {
	b, err := scanBook(tx.QueryRow(ctx, bookColumns+` WHERE b.id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrBookNotFound
	}
	return b, err
}

// writeBook stores the fields of b that change after it is added, and the
// copies of its list keys on its tag rows, in one statement: the tag rows
// are updated from the book row as the UPDATE left it, and only those whose
// copies differ from it. Skipping the others is safe because the caller
// locked the book's row in an earlier statement (lockBook), and every
// writer of the copies holds that lock: this statement's snapshot has them
// all.
func writeBook(ctx context.Context, tx pgx.Tx, b *domain.Book) error {
	promotionText, actual := promotionColumns(b)
	_, err := tx.Exec(ctx, `
		WITH written AS (
			UPDATE books.books
			SET published_on = $2, promotion_text = $3, actual_price_cents = $4, deleted_at = $5,
				reviews_count = $6, votes_sum = $7
			WHERE id = $1
			RETURNING id, `+tagCopies+`
		)
		UPDATE books.book_tags t
		SET (`+tagCopies+`) = (`+copiesOf("w")+`)
		FROM written w
		WHERE t.book_id = w.id AND (`+copiesOf("t")+`) IS DISTINCT FROM (`+copiesOf("w")+`)`,
		b.ID(), b.PublishedOn(), promotionText, actual, nullTime(b.DeletedAt()), b.ReviewsCount(), b.VotesSum())
	return err
}

// tagCopies are the columns of books.book_tags that copy the columns of the
// same names of the tag's book, so that the list's tag indexes hold each
// sort's key and the columns the filters test. Every write that moves one
// of them on books.books moves the copies in the same statement or
// transaction.
const tagCopies = "created_at, average_votes, published_on, actual_price_cents, deleted_at, copies_sold"

// copiesOf is tagCopies with each column qualified by the table alias a.
func copiesOf(a string) string {
	return a + "." + strings.ReplaceAll(tagCopies, ", ", ", "+a+".")
}

// AddReview stores review r and counts it in its book's reviews_count and
// votes_sum in one statement, or returns domain.ErrBookNotFound when the book
// does not exist or is soft-deleted. The counters are incremented in SQL
// under the row lock the UPDATE takes, so concurrent reviews of one book
// each add exactly their own stars and none is lost. The same statement
// copies the new average to the book's tag rows: the book's row lock, held
// to the end of the transaction, makes concurrent reviews of one book write
// their copies in the order of their counters, so the last copy written is
// the last average. Every tag row is written, even one whose copy already
// holds the new average: the statement's snapshot predates the reviews it
// waited for, and a row it skipped on the strength of an old copy would
// keep a concurrent review's average instead of its own. It returns r as
// stored, with whether its author bought the book (VerifiedPurchase).
func (s *Store) AddReview(ctx context.Context, r domain.Review) (domain.Review, error) {
	var verified bool
	err := s.pool.QueryRow(ctx, `
		WITH counted AS (
			UPDATE books.books
			SET reviews_count = reviews_count + 1, votes_sum = votes_sum + $4
			WHERE id = $2 AND deleted_at IS NULL
			RETURNING id, average_votes
		), copied AS (
			UPDATE books.book_tags t
			SET average_votes = counted.average_votes
			FROM counted
			WHERE t.book_id = counted.id
		)
		INSERT INTO books.reviews (id, book_id, user_id, voter_name, num_stars, comment, created_at)
		SELECT $1, counted.id, $3, $5, $4, $6, $7 FROM counted
		RETURNING EXISTS (SELECT 1 FROM books.purchases p WHERE p.book_id = $2 AND p.user_id = $3)`,
		r.ID(), r.BookID(), nullUUID(r.VoterID()), r.NumStars(), r.VoterName(), r.Comment(), r.CreatedAt()).Scan(&verified)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Review{}, domain.ErrBookNotFound
	}
	if err != nil {
		return domain.Review{}, pgtx.Wrap("books: add review", err)
	}
	return r.WithVerifiedPurchase(verified), nil
}

// tagsQuery selects the name of every tag, in byte order (COLLATE "C", as Go
// sorts strings, whatever the database's collation). A tag stays once
// created, also when every book that carried it is soft-deleted: the tags
// are the catalogue's vocabulary, read without scanning the books.
const tagsQuery = `SELECT name FROM books.tags ORDER BY name COLLATE "C"`

// Tags returns the name of every tag (tagsQuery).
func (s *Store) Tags(ctx context.Context) ([]string, error) {
	tags, err := pgtx.Read(ctx, s.pool, func() ([]string, error) {
		rows, err := s.pool.Query(ctx, tagsQuery)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	})
	return tags, pgtx.Wrap("books: read tags", err)
}

// Choices returns the catalogue's filter choices in one statement: every
// tag (tagsQuery), and the years in which books not deleted were published,
// newest first. The years skip from one to the next on books_year_*_idx, one
// index probe per year, instead of reading every book.
func (s *Store) Choices(ctx context.Context) (tags []string, years []int, err error) {
	type choices struct {
		tags  []string
		years []int
	}
	c, err := pgtx.Read(ctx, s.pool, func() (choices, error) {
		var c choices
		err := s.pool.QueryRow(ctx, `
			SELECT ARRAY(`+tagsQuery+`),
				ARRAY(WITH RECURSIVE y(year) AS (
						SELECT min(extract(year FROM published_on)) FROM books.books WHERE deleted_at IS NULL
						UNION ALL
						SELECT (SELECT min(extract(year FROM published_on)) FROM books.books
						        WHERE deleted_at IS NULL AND extract(year FROM published_on) > y.year)
						FROM y WHERE y.year IS NOT NULL
					)
					SELECT year::int FROM y WHERE year IS NOT NULL ORDER BY year DESC)`).Scan(&c.tags, &c.years)
		return c, err
	})
	return c.tags, c.years, pgtx.Wrap("books: read the filter choices", err)
}

// OrderBook is what orders needs to know of a book to sell it.
type OrderBook struct {
	ID               uuid.UUID
	Title            string
	ActualPriceCents int64
	Deleted          bool
}

// ForOrder returns the books among ids that exist, soft-deleted ones
// included, in no particular order; ids that match no book are left out.
// It is one query, whatever the number of ids.
func (s *Store) ForOrder(ctx context.Context, ids []uuid.UUID) ([]OrderBook, error) {
	books, err := pgtx.Read(ctx, s.pool, func() ([]OrderBook, error) {
		rows, err := s.pool.Query(ctx, `
			SELECT id, title, actual_price_cents, deleted_at IS NOT NULL
			FROM books.books
			WHERE id = ANY ($1)`,
			ids)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowToStructByPos[OrderBook])
	})
	return books, pgtx.Wrap("books: read books for an order", err)
}

// promotionColumns returns the promotion_text (NULL for none) and
// actual_price_cents columns of b.
func promotionColumns(b *domain.Book) (*string, int64) {
	p, ok := b.Promotion()
	if !ok {
		return nil, b.PriceCents()
	}
	return &p.Text, p.ActualPriceCents
}

// nullTime is t, or NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// nullUUID is id, or NULL for uuid.Nil.
func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
