-- A customer's orders, newest first, paged by keyset on id.
CREATE INDEX orders_user_id_idx ON orders.orders (user_id, id DESC);
