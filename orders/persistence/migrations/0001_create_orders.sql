CREATE TABLE orders.orders (
    id                     uuid        PRIMARY KEY,
    user_id                uuid        NOT NULL,
    status                 text        NOT NULL CHECK (status IN ('placed', 'dispatched', 'delivered', 'cancelled')),
    placed_at              timestamptz NOT NULL,
    expected_delivery_date date        NOT NULL
);
