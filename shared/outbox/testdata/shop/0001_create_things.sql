-- What the producer of the tests changes: one row per thing, its events
-- published in the same transaction.
CREATE TABLE shop.things (id uuid PRIMARY KEY, name text NOT NULL);
