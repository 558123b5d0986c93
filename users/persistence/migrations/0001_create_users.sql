-- One row per account. email is stored lower-cased by the application, and the
-- unique index of 0002 compares lower(email), so case never makes two accounts.
CREATE TABLE users.users (
    id         uuid        PRIMARY KEY,
    email      text        NOT NULL CHECK (octet_length(email) BETWEEN 3 AND 254),
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    roles      text[]      NOT NULL DEFAULT '{customer}'
                           CHECK (roles <@ ARRAY['customer', 'admin']::text[] AND 'customer' = ANY (roles)),
    created_at timestamptz NOT NULL
);
