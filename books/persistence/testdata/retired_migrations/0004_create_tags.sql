-- The tags a book may carry ("Architecture", "Go"); the name is the key.
CREATE TABLE books.tags (
    name text PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 100)
);
