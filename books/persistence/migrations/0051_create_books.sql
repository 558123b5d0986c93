-- The catalogue. Money is in integer cents. The columns under "cached" are
-- derived from other rows (authors, tags, reviews) or from the promotion and
-- are kept exact in the same transaction as the change that moves them, so the
-- book list reads one row per book and sorts on an index. average_votes is
-- computed by PostgreSQL from the two counters, so it can never disagree with
-- them; it is NULL for a book without reviews. A soft-deleted book has
-- deleted_at set: hidden from every public read, kept for the admin.
CREATE TABLE books.books (
    id                 uuid        PRIMARY KEY,
    title              text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 256),
    description        text        NOT NULL DEFAULT '',
    published_on       date        NOT NULL,
    publisher          text        NOT NULL DEFAULT '',
    price_cents        bigint      NOT NULL CHECK (price_cents BETWEEN 0 AND 1000000),
    image_url          text        NOT NULL DEFAULT '',
    promotion_text     text        CHECK (char_length(promotion_text) BETWEEN 1 AND 200),
    actual_price_cents bigint      NOT NULL,
    -- cached
    authors_string     text        NOT NULL DEFAULT '',
    tag_names          text[]      NOT NULL DEFAULT '{}',
    reviews_count      integer     NOT NULL DEFAULT 0 CHECK (reviews_count >= 0),
    votes_sum          bigint      NOT NULL DEFAULT 0 CHECK (votes_sum BETWEEN 0 AND 5 * reviews_count::bigint),
    average_votes      double precision GENERATED ALWAYS AS
                           (votes_sum::double precision / NULLIF(reviews_count, 0)) STORED,
    deleted_at         timestamptz,
    created_at         timestamptz NOT NULL,
    CHECK ((promotion_text IS NULL AND actual_price_cents = price_cents)
        OR (promotion_text IS NOT NULL AND actual_price_cents >= 0 AND actual_price_cents < price_cents))
);
