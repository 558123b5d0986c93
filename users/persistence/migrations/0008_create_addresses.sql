-- The delivery address of each account that has set one (at most one).
-- country is an ISO 3166-1 alpha-2 code, checked against the full list in Go.
CREATE TABLE users.addresses (
    user_id    uuid        PRIMARY KEY REFERENCES users.users (id) ON DELETE CASCADE,
    line1      text        NOT NULL CHECK (char_length(line1) BETWEEN 1 AND 200),
    line2      text        NOT NULL DEFAULT '' CHECK (char_length(line2) <= 200),
    city       text        NOT NULL CHECK (char_length(city) BETWEEN 1 AND 200),
    postcode   text        NOT NULL CHECK (char_length(postcode) BETWEEN 1 AND 200),
    country    text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    updated_at timestamptz NOT NULL
);
