CREATE TABLE books.books (
    id uuid PRIMARY KEY,
    title text NOT NULL
);
