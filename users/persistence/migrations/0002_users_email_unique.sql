-- Two accounts never share an email, whatever its case. Sign-in looks accounts
-- up through this index, and persistence turns its violation into ErrEmailTaken.
CREATE UNIQUE INDEX users_email_lower_key ON users.users (lower(email));
