-- books_year_price_idx for year=YYYY under the price sorts (0015) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. The narrower entries
-- halve the cost of a filter that rejects most books (year=upcoming scans
-- about 100 / 1.6 % entries a page). See docs/decisions.md.
CREATE INDEX books_year_price_idx ON books.books ((extract(year FROM published_on)), actual_price_cents, id) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
