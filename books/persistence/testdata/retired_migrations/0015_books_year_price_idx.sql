-- The year=YYYY filter under the price sorts, read forwards or backwards;
-- see books_year_newest_idx.
CREATE INDEX books_year_price_idx ON books.books ((extract(year FROM published_on)), actual_price_cents, id) INCLUDE (average_votes, published_on, tag_names) WHERE deleted_at IS NULL;
