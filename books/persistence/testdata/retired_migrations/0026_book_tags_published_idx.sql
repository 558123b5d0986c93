-- The tag=NAME filter under the publication-date sort; with a year or the
-- upcoming filter, a range of it. See book_tags_newest_idx.
CREATE INDEX book_tags_published_idx ON books.book_tags (tag_name, published_on DESC, book_id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
