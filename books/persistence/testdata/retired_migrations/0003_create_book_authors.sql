-- The authors of a book, in order (position 0 first).
CREATE TABLE books.book_authors (
    book_id   uuid     NOT NULL REFERENCES books.books (id) ON DELETE CASCADE,
    position  smallint NOT NULL CHECK (position BETWEEN 0 AND 19),
    author_id uuid     NOT NULL REFERENCES books.authors (id),
    PRIMARY KEY (book_id, position)
);
