-- The book list sorted by votes: highest average first, books without
-- reviews (average NULL, key -1) last, ties by id; its start is also the
-- range of the votes=N filter. The list's SQL repeats the key expression
-- exactly. Partial and covering, as books_newest_idx; average_votes itself
-- is included because PostgreSQL reads a column from an index only when the
-- index holds the column, not just an expression of it.
CREATE INDEX books_votes_idx ON books.books ((coalesce(average_votes, -1)) DESC, id DESC) INCLUDE (average_votes, published_on, tag_names) WHERE deleted_at IS NULL;
