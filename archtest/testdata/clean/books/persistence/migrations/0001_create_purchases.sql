-- Books counts what orders sells from orders' events (orders.order-placed), in its own schema.
CREATE TABLE books.purchases (
    order_id uuid NOT NULL,
    book_id uuid NOT NULL,
    event_type text NOT NULL DEFAULT 'orders.order-placed'
);
