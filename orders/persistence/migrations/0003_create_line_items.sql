-- The lines of each order. title and unit_price_cents are copies of the
-- book's title and actual price (promotion included) when the order was
-- placed; book_id is a books-context id, kept without a foreign key.
CREATE TABLE orders.line_items (
    order_id         uuid    NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
    line_num         integer NOT NULL CHECK (line_num BETWEEN 1 AND 50),
    book_id          uuid    NOT NULL,
    title            text    NOT NULL,
    unit_price_cents bigint  NOT NULL CHECK (unit_price_cents > 0),
    quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    PRIMARY KEY (order_id, line_num),
    UNIQUE (order_id, book_id)
);
