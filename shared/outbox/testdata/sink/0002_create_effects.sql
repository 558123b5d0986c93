-- The consumer's effect: per consumer and aggregate, how many events it
-- applied and the highest sequence number seen, and whether one ever came
-- out of order.
CREATE TABLE sink.effects (
    consumer     text    NOT NULL,
    aggregate_id uuid    NOT NULL,
    applied      integer NOT NULL,
    last_seq     integer NOT NULL,
    out_of_order boolean NOT NULL DEFAULT false,
    PRIMARY KEY (consumer, aggregate_id)
);
