-- The tags of each book; books.books.tag_names caches them, sorted.
CREATE TABLE books.book_tags (
    book_id  uuid NOT NULL REFERENCES books.books (id) ON DELETE CASCADE,
    tag_name text NOT NULL REFERENCES books.tags (name),
    PRIMARY KEY (book_id, tag_name)
);
