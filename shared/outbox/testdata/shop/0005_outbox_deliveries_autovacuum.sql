-- The orders context's outbox table, in the tests' schema shop (keep them alike).
-- A queue table: every delivery is written two or three times (leased,
-- delivered) within seconds, and the relays' claims walk the pending index
-- from its oldest end, past the entries of rows delivered since the last
-- vacuum. Vacuum it after every thousand dead rows rather than after a
-- fifth of the table (the default), so that walk stays short.
ALTER TABLE shop.outbox_deliveries SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
