-- The book list sorted by publication date, newest first, ties by id; also
-- the range of the year=YYYY and year=upcoming filters under that sort.
-- Partial and covering, as books_newest_idx.
CREATE INDEX books_published_idx ON books.books (published_on DESC, id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
