-- The year=YYYY filter under the bestsellers sort; see books_year_newest_idx.
CREATE INDEX books_year_bestsellers_idx ON books.books ((extract(year FROM published_on)), copies_sold DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
