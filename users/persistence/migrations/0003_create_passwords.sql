-- The password hash of each account, kept apart from users.users so that no
-- query reads it by accident: a PHC string such as
-- $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, never the password itself.
CREATE TABLE users.passwords (
    user_id    uuid        PRIMARY KEY REFERENCES users.users (id) ON DELETE CASCADE,
    hash       text        NOT NULL CHECK (hash LIKE '$%'),
    updated_at timestamptz NOT NULL
);
