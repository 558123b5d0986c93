package web

import (
	"context"
	"net/http"
	"time"
)

// The session cookie carries the users context's bearer token for the
// pages: set at sign-in (a new token each time), removed at sign-out, and
// read by Authenticate when a request has no Authorization header. Over TLS
// it is __Host-session (Secure, so the browser sends it only over TLS, and
// the prefix pins it to this host and Path=/); over plain HTTP, as under
// make run, it is session.
const (
	sessionCookie       = "session"
	secureSessionCookie = "__Host-session"
)

type secureCookiesKey struct{}

// SecureCookies makes every session cookie Secure (and __Host-) as if the
// request had come over TLS: for an app behind a proxy that terminates TLS.
// The app installs it when BOOKAPP_SECURE_COOKIES is true.
func SecureCookies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), secureCookiesKey{}, true)))
	})
}

func secureCookies(r *http.Request) bool {
	return r.TLS != nil || r.Context().Value(secureCookiesKey{}) != nil
}

// SetSession answers r with the session cookie holding token until expires:
// HttpOnly (no script reads it), SameSite=Lax (a cross-site form POST does
// not carry it), Path=/.
func SetSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	c := &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		Expires: expires.UTC(), MaxAge: max(1, int(time.Until(expires).Seconds())),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
	if secureCookies(r) {
		c.Name, c.Secure = secureSessionCookie, true
	}
	http.SetCookie(w, c)
}

// ClearSession answers r with the removal of its session cookie.
func ClearSession(w http.ResponseWriter, r *http.Request) {
	c := &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if secureCookies(r) {
		c.Name, c.Secure = secureSessionCookie, true
	}
	http.SetCookie(w, c)
}

// SessionToken returns the token of r's session cookie, if it has one.
func SessionToken(r *http.Request) (string, bool) {
	for _, name := range []string{secureSessionCookie, sessionCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value, true
		}
	}
	return "", false
}
