-- books_published_idx for the publication-date sort (0010) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. Narrower entries
-- mean fewer pages per scan, a cheaper test of each entry a filter rejects,
-- and less to write per review. See docs/decisions.md.
CREATE INDEX books_published_idx ON books.books (published_on DESC, id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
