-- The tag=NAME filter under the votes sort; the key expression is
-- books_votes_idx's, character for character, as the list's SQL repeats it.
-- See book_tags_newest_idx.
CREATE INDEX book_tags_votes_idx ON books.book_tags (tag_name, (coalesce(average_votes, -1)) DESC, book_id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
