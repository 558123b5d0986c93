-- Replaced by books.book_tags_keyed (0020), which holds all of its rows.
DROP TABLE books.book_tags;
