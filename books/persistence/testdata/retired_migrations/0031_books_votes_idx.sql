-- books_votes_idx for the votes sort (0009) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. Narrower entries
-- mean fewer pages per scan, a cheaper test of each entry a filter rejects,
-- and less to write per review. See docs/decisions.md.
CREATE INDEX books_votes_idx ON books.books ((coalesce(average_votes, -1)) DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
