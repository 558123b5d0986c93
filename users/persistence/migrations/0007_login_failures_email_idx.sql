-- Counts an email's failures within the window, and finds the expired ones.
CREATE INDEX login_failures_email_idx ON users.login_failures (email, failed_at);
