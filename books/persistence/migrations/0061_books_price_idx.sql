-- The book list sorted by actual price: read forwards for lowest first
-- (sort=price), backwards for highest first (sort=price_desc); ties by id
-- either way. Partial and covering, as books_newest_idx.
CREATE INDEX books_price_idx ON books.books (actual_price_cents, id) INCLUDE (average_votes) WHERE deleted_at IS NULL;
