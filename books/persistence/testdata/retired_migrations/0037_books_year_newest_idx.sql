-- books_year_newest_idx for year=YYYY under the default order (0019) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. Narrower entries
-- mean fewer pages per scan, a cheaper test of each entry a filter rejects,
-- and less to write per review. See docs/decisions.md.
CREATE INDEX books_year_newest_idx ON books.books ((extract(year FROM published_on)), created_at DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
