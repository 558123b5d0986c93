-- The year=upcoming filter under the price sorts (read backwards for price_desc); see
-- books_recent_newest_idx.
CREATE INDEX books_recent_price_idx ON books.books (actual_price_cents, id) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL AND published_on >= DATE '2026-01-01';
