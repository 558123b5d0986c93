-- The oldest events first, for the cleaner, which deletes delivered events
-- older than the retention.
CREATE INDEX outbox_events_created_at_idx ON orders.outbox_events (created_at);
