-- The pending deliveries of each consumer, oldest event first: what a relay
-- claims, and what the metrics count. Partial, so it stays as small as the
-- backlog however many events were delivered.
CREATE INDEX outbox_deliveries_pending_idx ON orders.outbox_deliveries (consumer, event_id) WHERE delivered_at IS NULL;
