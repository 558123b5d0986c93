-- Who bought which book, from the orders context's events: a row per book of
-- an order that is placed and not cancelled (an order's cancellation deletes
-- its rows). order_id, user_id and book_id are ids of other contexts' rows
-- or of this one's, kept without foreign keys: the events may name a book
-- before or after it is soft-deleted. A review is a verified purchase when
-- its author has a row for its book; a book's copies_sold is the sum of its
-- rows' quantities.
CREATE TABLE books.purchases (
    order_id uuid    NOT NULL,
    book_id  uuid    NOT NULL,
    user_id  uuid    NOT NULL,
    quantity integer NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (order_id, book_id)
);
