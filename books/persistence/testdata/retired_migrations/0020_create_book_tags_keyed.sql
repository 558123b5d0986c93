-- The tags of each book, now with copies of the book's list keys, so that a
-- tag's books come out of an index in each sort's order (see 0024 onward).
-- The copies — created_at, average_votes (a plain copy of the generated
-- column), published_on, actual_price_cents, deleted_at — are kept exact by
-- every write path in the same transaction as the book's row, like the
-- cached columns of books.books; bookapp books check-cache proves it. The
-- table is built anew from the old one joined to the books, rather than
-- altered and backfilled with an UPDATE: a migration is one DDL statement
-- (migrate.Lint), and a fresh table carries no dead row versions. 0021 to
-- 0023 put back its name, keys and constraints.
CREATE TABLE books.book_tags_keyed AS
SELECT t.book_id, t.tag_name, b.created_at, b.average_votes, b.published_on, b.actual_price_cents, b.deleted_at
FROM books.book_tags t
JOIN books.books b ON b.id = t.book_id;
