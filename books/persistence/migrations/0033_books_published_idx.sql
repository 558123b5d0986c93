-- books_published_idx for the publication-date sort (0010) as before, less tag_names: the
-- tag filter has indexes of its own on books.book_tags. The narrower entries
-- halve the cost of a filter that rejects most books (year=upcoming scans
-- about 100 / 1.6 % entries a page). See docs/decisions.md.
CREATE INDEX books_published_idx ON books.books (published_on DESC, id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
