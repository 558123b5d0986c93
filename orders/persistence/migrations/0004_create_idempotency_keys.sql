-- The Idempotency-Key of each order placed with one. The primary key is what
-- makes concurrent repeats place one order: the second insert of a (user_id,
-- key) waits for the first transaction and then conflicts. request_hash is
-- the SHA-256 of the request, to refuse a key reused for another request. The
-- foreign key is checked at commit because the key is written before its
-- order.
CREATE TABLE orders.idempotency_keys (
    user_id      uuid        NOT NULL,
    key          text        NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 100),
    request_hash bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    order_id     uuid        NOT NULL UNIQUE REFERENCES orders.orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);
