package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
)

// An Authenticator resolves a bearer token to the user it was issued to; the
// users context provides it.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (auth.Principal, error)
}

// BearerToken returns the token of r's Authorization: Bearer header, and
// whether the request has an Authorization header at all.
func BearerToken(r *http.Request) (token string, present bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

var errBadToken = errs.New(errs.Unauthenticated, "The bearer token is missing, invalid, expired or revoked.")

// Authenticate resolves the request's bearer token and puts the Principal in
// its context. A request without an Authorization header goes on anonymous;
// one with a header that does not resolve gets 401 on every route, so a client
// learns at once that its token expired.
func Authenticate(a Authenticator, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, present := BearerToken(r)
			if !present {
				next.ServeHTTP(w, r)
				return
			}
			if token == "" {
				WriteError(w, r, log, errBadToken)
				return
			}
			p, err := a.Authenticate(r.Context(), token)
			if err != nil {
				if errors.Is(err, errs.Unauthenticated) {
					err = errBadToken
				}
				WriteError(w, r, log, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		})
	}
}

var (
	errSignIn  = errs.New(errs.Unauthenticated, "Sign in first: send Authorization: Bearer <token> from POST /api/auth/login.")
	errNotRole = errs.New(errs.Forbidden, "Your account may not do this.")
)

// RequireUser lets only signed-in callers through (401 otherwise).
func RequireUser(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := auth.FromContext(r.Context()); !ok {
				WriteError(w, r, log, errSignIn)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequireRole lets only callers holding role through: 401 for anonymous
// callers, 403 for signed-in ones without the role.
func RequireRole(log *slog.Logger, role string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := auth.FromContext(r.Context())
			switch {
			case !ok:
				WriteError(w, r, log, errSignIn)
			case !p.HasRole(role):
				WriteError(w, r, log, errNotRole)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}
