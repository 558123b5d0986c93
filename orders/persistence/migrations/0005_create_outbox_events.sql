-- The integration events orders publishes (shared/outbox), each written in
-- the transaction of the change it reports. aggregate_id is the order's id;
-- position numbers an order's events 1, 2, ... in commit order (Publish
-- takes the next one under the order's row lock), and a relay delivers an
-- event to a consumer only after every earlier one of its order. payload is
-- the event's struct as JSON, type and version name it. Events whose every
-- delivery is made are deleted after the outbox's retention.
CREATE TABLE orders.outbox_events (
    id           uuid        PRIMARY KEY,
    aggregate_id uuid        NOT NULL,
    position     integer     NOT NULL CHECK (position >= 1),
    type         text        NOT NULL CHECK (type <> ''),
    version      integer     NOT NULL CHECK (version >= 1),
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (aggregate_id, position)
);
