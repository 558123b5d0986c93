-- Recent failed sign-ins per (canonical) email, known account or not, for the
-- lockout: MaxLoginFailures rows within LockoutWindow lock the email out. Rows
-- older than the window are deleted at that email's next attempt.
CREATE TABLE users.login_failures (
    id        uuid        PRIMARY KEY,
    email     text        NOT NULL,
    failed_at timestamptz NOT NULL
);
