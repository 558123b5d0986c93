-- One row per sign-in. The bearer token is known only by its SHA-256, the
-- primary key that authenticating a request looks up. Logout sets revoked_at.
CREATE TABLE users.sessions (
    token_hash bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    uuid        NOT NULL REFERENCES users.users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK (expires_at > created_at)
);
