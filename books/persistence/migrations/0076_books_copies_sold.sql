-- The copies of the book sold in orders that are not cancelled: the sum of
-- its books.purchases quantities, kept by the consumer of orders' events in
-- the transaction that writes the purchases. The bestsellers sort's key.
ALTER TABLE books.books ADD COLUMN copies_sold integer NOT NULL DEFAULT 0 CHECK (copies_sold >= 0);
