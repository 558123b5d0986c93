-- The tag=NAME filter under the price sorts, read forwards for lowest first
-- and backwards for highest first, as books_price_idx. See
-- book_tags_newest_idx.
CREATE INDEX book_tags_price_idx ON books.book_tags (tag_name, actual_price_cents, book_id) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
