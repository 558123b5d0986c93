package domain

import "example.com/bookapp/shared/errs"

// The users context's errors. Each wraps one kind of shared/errs, which is
// what the app maps to an HTTP status; test for either with errors.Is.
var (
	// ErrEmailTaken reports a registration with an email that an account
	// already uses, compared case-insensitively.
	ErrEmailTaken = errs.New(errs.Conflict, "email already registered")

	// ErrUserNotFound reports an account id that matches no account.
	ErrUserNotFound = errs.New(errs.NotFound, "user not found")

	// ErrNoAddress reports an account with no delivery address set.
	ErrNoAddress = errs.New(errs.NotFound, "no delivery address set")

	// ErrBadCredentials reports a failed sign-in. It is the same error for an
	// unknown email and for a wrong password, so that it reveals nothing
	// about which accounts exist.
	ErrBadCredentials = errs.New(errs.Unauthenticated, "invalid email or password")

	// ErrLockedOut reports a sign-in refused because of too many recent
	// failures for the email (see MaxLoginFailures and LockoutWindow). It is
	// given for unknown emails as well.
	ErrLockedOut = errs.New(errs.TooManyRequests, "too many failed sign-in attempts; try again later")

	// ErrInvalidToken reports a bearer token that is malformed, unknown,
	// expired or revoked. It does not say which.
	ErrInvalidToken = errs.New(errs.Unauthenticated, "invalid or expired token")
)
