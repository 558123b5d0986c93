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
