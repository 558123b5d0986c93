-- The year=YYYY filter under the votes sort; see books_year_newest_idx.
CREATE INDEX books_year_votes_idx ON books.books ((extract(year FROM published_on)), (coalesce(average_votes, -1)) DESC, id DESC) INCLUDE (average_votes, published_on, tag_names) WHERE deleted_at IS NULL;
