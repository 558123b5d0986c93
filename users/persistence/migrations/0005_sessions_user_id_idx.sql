-- Finds an account's sessions: to drop its expired ones at sign-in, and for
-- the foreign key.
CREATE INDEX sessions_user_id_idx ON users.sessions (user_id, expires_at);
