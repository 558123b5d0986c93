-- The tag=NAME filter under the default order: the tag's books, most
-- recently created first, ties by book id, found by an equality on the
-- leading column and read in order, however rare the tag. Partial and
-- covering as the books indexes are (see books_newest_idx): it holds the
-- copies the other filters test, so a tag's page is an index-only scan and
-- only the page's books are read from books.books. See docs/decisions.md.
CREATE INDEX book_tags_newest_idx ON books.book_tags (tag_name, created_at DESC, book_id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
