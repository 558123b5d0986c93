-- Newest first is now created_at DESC, id DESC (see 0017): with the table in
-- id order, PostgreSQL preferred the primary key to this index for
-- ORDER BY id DESC and read a row per book a filter rejected. 0008 is
-- history, so its index is replaced rather than edited.
DROP INDEX books.books_newest_idx;
