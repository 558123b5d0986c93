-- The year=upcoming filter under the votes sort; see
-- books_recent_newest_idx.
CREATE INDEX books_recent_votes_idx ON books.books ((coalesce(average_votes, -1)) DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL AND published_on >= DATE '2026-01-01';
