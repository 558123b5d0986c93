// Package service holds the users context's use cases, one method per thing a
// user can do, in one file per group: register.go, login.go, session.go
// (sign-out and authenticating a token) and address.go (the account and its
// delivery address), speaking the package's own plain values (User, Me, Address). Its
// callers are the context's HTTP adapter (httpapi) and its setup package,
// which is all the app sees of users. It sits above domain, persistence and
// infrastructure, and declares what it needs from them as interfaces (Store,
// Hasher).
//
// The sign-in rules it implements:
//
//   - Passwords are kept only as slow salted hashes (argon2id in production),
//     verified in constant time. A hash made with older parameters is
//     replaced at the next successful sign-in.
//   - Login answers ErrBadCredentials for an unknown email and for a wrong
//     password alike, and does the same work for both: an unknown email is
//     checked against a dummy hash, so timing does not tell them apart.
//   - Lockout: every attempt is recorded as a failure for its (lower-cased)
//     email before the password is checked, known account or not, and
//     forgotten if it succeeds. When an email has domain.MaxLoginFailures (10)
//     failures within domain.LockoutWindow (15 minutes), further attempts get
//     ErrLockedOut without their password being looked at, even a correct
//     one, and are not recorded, so the lock ends as the failures age out of
//     the window. The count is exact under concurrency: racing attempts on one
//     email are serialised for the instant of their recording. A successful
//     sign-in does not clear earlier failures: they expire with the window,
//     which keeps the rule simple and gives an attacker nothing to reset.
//   - Login issues a bearer token of 256 random bits, valid for
//     Options.TokenTTL (24 hours by default). Only its SHA-256 is stored;
//     Authenticate finds a session by that hash in one indexed query, so it is
//     cheap enough for every request. Logout revokes the session at once.
//
// Every time the service stores or compares comes from its clock, never the
// database's, so that tests can move time.
package service
