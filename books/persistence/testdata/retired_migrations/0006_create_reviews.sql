-- Reviews of books. user_id is the reviewer's account in the users context
-- (no foreign key across schemas) and NULL for generated demo reviews;
-- voter_name is the account's name when the review was written.
CREATE TABLE books.reviews (
    id         uuid        PRIMARY KEY,
    book_id    uuid        NOT NULL REFERENCES books.books (id) ON DELETE CASCADE,
    user_id    uuid,
    voter_name text        NOT NULL CHECK (char_length(voter_name) BETWEEN 1 AND 100),
    num_stars  smallint    NOT NULL CHECK (num_stars BETWEEN 0 AND 5),
    comment    text        NOT NULL DEFAULT '' CHECK (char_length(comment) <= 2000),
    created_at timestamptz NOT NULL
);
