-- The orders context's outbox table, in the tests' schema shop (keep them alike).
-- The oldest events first, for the cleaner, which deletes delivered events
-- older than the retention.
CREATE INDEX outbox_events_created_at_idx ON shop.outbox_events (created_at);
