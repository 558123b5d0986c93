-- The tags of each book; books.books.tag_names caches them, sorted. Each row
-- also copies its book's list keys — created_at, average_votes (a plain copy
-- of the generated column), published_on, actual_price_cents, deleted_at — so
-- that a tag's books come out of an index in each sort's order
-- (book_tags_*_idx). Every write path keeps the copies exact in the same
-- transaction as the book's row, like the cached columns of books.books;
-- bookapp books check-cache proves it. See docs/decisions.md.
CREATE TABLE books.book_tags (
    book_id            uuid        NOT NULL REFERENCES books.books (id) ON DELETE CASCADE,
    tag_name           text        NOT NULL REFERENCES books.tags (name),
    -- copies of the book's columns
    created_at         timestamptz NOT NULL,
    average_votes      double precision,
    published_on       date        NOT NULL,
    actual_price_cents bigint      NOT NULL,
    deleted_at         timestamptz,
    PRIMARY KEY (book_id, tag_name)
);
