-- The book list in its default order, newest first: id descending (ids are
-- UUIDv7, so creation order). Like every index of the list it is partial —
-- deleted books never appear in the public list, so they take no room — and
-- covering: it also holds the columns the filters test (average votes,
-- publication date, tags), so that a filtered page is an index-only scan
-- that checks each book's filters without reading its row, and only the
-- page's books are then read from the table. See docs/decisions.md.
CREATE INDEX books_newest_idx ON books.books (id DESC) INCLUDE (average_votes, published_on, tag_names) WHERE deleted_at IS NULL;
