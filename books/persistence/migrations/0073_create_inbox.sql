-- The integration events the books context has applied (shared/outbox's
-- Inbox), recorded in the transaction of each event's effect, so a
-- redelivered event changes nothing. consumer names the effect
-- ("books.sales"); entries are deleted after the inbox's retention.
CREATE TABLE books.inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
