-- The book list sorted by bestsellers: most copies sold first, ties by id.
-- Partial and covering as books_votes_idx: it holds the average votes the
-- votes filter tests.
CREATE INDEX books_bestsellers_idx ON books.books (copies_sold DESC, id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
