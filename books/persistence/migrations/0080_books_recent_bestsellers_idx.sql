-- The year=upcoming filter under the bestsellers sort; see
-- books_recent_newest_idx.
CREATE INDEX books_recent_bestsellers_idx ON books.books (copies_sold DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL AND published_on >= DATE '2026-01-01';
