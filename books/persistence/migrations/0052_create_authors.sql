-- Authors are shared between books; a name is unique.
CREATE TABLE books.authors (
    id   uuid PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 200)
);
