-- books_newest_idx for the default order (0017) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. Narrower entries
-- mean fewer pages per scan, a cheaper test of each entry a filter rejects,
-- and less to write per review. See docs/decisions.md.
CREATE INDEX books_newest_idx ON books.books (created_at DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
