-- The new table takes the old one's name.
ALTER TABLE books.book_tags_keyed RENAME TO book_tags;
