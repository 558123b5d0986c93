package web

import (
	"context"
	"errors"
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
//
// Without an Authorization header, the token of the session cookie (the
// pages' sign-in, SetSession) is resolved instead; a cookie that does not
// resolve (forged, expired, revoked) is removed, and the request goes on
// anonymous, as a signed-out visitor. Failures of the lookup itself (the
// database is away) are answered by writeError, so the app answers a page
// with an HTML page and the API with problem+json.
func Authenticate(a Authenticator, writeError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, present := BearerToken(r)
			if !present {
				cookie, ok := SessionToken(r)
				if !ok {
					next.ServeHTTP(w, r)
					return
				}
				p, err := a.Authenticate(r.Context(), cookie)
				switch {
				case err == nil:
					next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
				case errors.Is(err, errs.Unauthenticated):
					ClearSession(w, r)
					next.ServeHTTP(w, r)
				default:
					writeError(w, r, err)
				}
				return
			}
			if token == "" {
				writeError(w, r, errBadToken)
				return
			}
			p, err := a.Authenticate(r.Context(), token)
			if err != nil {
				if errors.Is(err, errs.Unauthenticated) {
					err = errBadToken
				}
				writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		})
	}
}
