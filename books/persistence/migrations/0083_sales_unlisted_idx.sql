-- The books whose exact copies sold the sales lister has still to copy to
-- the book list: few at any time, found without reading the others.
CREATE INDEX sales_unlisted_idx ON books.sales (book_id) WHERE copies_sold <> listed;
