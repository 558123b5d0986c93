-- One row per order. user_id is a users-context id, kept without a foreign key
-- (contexts share no keys). The delivery address is a copy taken when the
-- order was placed, so later changes to the account leave it alone; users
-- validated it, so orders checks no more than its presence. Ids are UUIDv7s
-- made in Go: ordering by id is ordering by creation. Dates are UTC days.
CREATE TABLE orders.orders (
    id                     uuid        PRIMARY KEY,
    user_id                uuid        NOT NULL,
    status                 text        NOT NULL CHECK (status IN ('placed', 'dispatched', 'delivered', 'cancelled')),
    placed_at              timestamptz NOT NULL,
    expected_delivery_date date        NOT NULL CHECK (expected_delivery_date > (placed_at AT TIME ZONE 'UTC')::date),
    address_line1          text        NOT NULL,
    address_line2          text        NOT NULL,
    address_city           text        NOT NULL,
    address_postcode       text        NOT NULL,
    address_country        text        NOT NULL
);
