-- The tag=NAME filter under the bestsellers sort; see book_tags_newest_idx.
CREATE INDEX book_tags_bestsellers_idx ON books.book_tags (tag_name, copies_sold DESC, book_id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
