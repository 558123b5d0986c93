-- The copy of the book's copies_sold on its tag rows, for the tag index of
-- the bestsellers sort (see tagCopies in the persistence package).
ALTER TABLE books.book_tags ADD COLUMN copies_sold integer NOT NULL DEFAULT 0;
