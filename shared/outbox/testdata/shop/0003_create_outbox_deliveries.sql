-- The orders context's outbox table, in the tests' schema shop (keep them alike).
-- One row per event and consumer subscribed to its type when it was
-- published: the relays claim due rows (FOR UPDATE SKIP LOCKED), and record
-- here each attempt's outcome. A row is pending until delivered_at is set; a
-- failed attempt sets next_at after a backoff, and the last allowed one sets
-- parked_at, which keeps the row out of the relays until it is retried.
CREATE TABLE shop.outbox_deliveries (
    event_id     uuid        NOT NULL REFERENCES shop.outbox_events (id) ON DELETE CASCADE,
    consumer     text        NOT NULL CHECK (consumer <> ''),
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at      timestamptz NOT NULL,
    last_error   text        NOT NULL DEFAULT '',
    parked_at    timestamptz,
    delivered_at timestamptz,
    PRIMARY KEY (event_id, consumer)
);
