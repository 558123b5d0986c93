-- books_year_price_idx for year=YYYY under the price sorts (0015) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. Narrower entries
-- mean fewer pages per scan, a cheaper test of each entry a filter rejects,
-- and less to write per review. See docs/decisions.md.
CREATE INDEX books_year_price_idx ON books.books ((extract(year FROM published_on)), actual_price_cents, id) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
