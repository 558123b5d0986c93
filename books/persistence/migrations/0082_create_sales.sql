-- Each book's copies sold, exact, kept by the consumer of orders' events in
-- the transaction that writes the purchases: copies_sold is the sum of the
-- book's books.purchases quantities. books.books.copies_sold (the
-- bestsellers sort's key) and its copies on books.book_tags follow it a
-- moment later: the books context's sales lister copies copies_sold into
-- them, and into listed, in one transaction, for the books whose count
-- moved (copies_sold <> listed, which sales_unlisted_idx finds). So an
-- event's effect writes this narrow row and not the wide book row with its
-- fifteen indexes, and a book sold in many orders within the lister's delay
-- is rewritten once. A book without a row has its exact count on the book
-- (books sold before this table existed): its first row starts from it. See
-- docs/decisions.md, "Copies sold: a narrow table, copied to the book list".
CREATE TABLE books.sales (
    book_id     uuid    PRIMARY KEY REFERENCES books.books (id) ON DELETE CASCADE,
    copies_sold integer NOT NULL CHECK (copies_sold >= 0),
    listed      integer NOT NULL DEFAULT 0 -- the count books.books.copies_sold holds
);
