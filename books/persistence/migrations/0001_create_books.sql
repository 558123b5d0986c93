CREATE TABLE books.books (
    id           uuid        PRIMARY KEY,
    title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 256),
    description  text        NOT NULL DEFAULT '',
    published_on date        NOT NULL,
    publisher    text        NOT NULL DEFAULT '',
    price_cents  bigint      NOT NULL CHECK (price_cents BETWEEN 0 AND 1000000),
    image_url    text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
