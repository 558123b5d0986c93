-- The events the consumer of the tests has applied (outbox.Inbox).
CREATE TABLE sink.inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
