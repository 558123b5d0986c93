-- The old table's primary key and foreign keys (0005), and NOT NULL on the
-- copies of columns that are NOT NULL in books.books; average_votes is NULL
-- for a book without reviews, deleted_at for a book that is not deleted.
ALTER TABLE books.book_tags
    ADD PRIMARY KEY (book_id, tag_name),
    ADD FOREIGN KEY (book_id) REFERENCES books.books (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (tag_name) REFERENCES books.tags (name),
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN published_on SET NOT NULL,
    ALTER COLUMN actual_price_cents SET NOT NULL;
