package page

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

// Routes mounts a context's pages on a Mux, like web.Routes, but answers
// every error its handlers (or their guards) return with an HTML page.
type Routes struct {
	Mux web.Mux
	Log *slog.Logger
}

// Handle mounts h at pattern behind guards, checked in order.
func (rs Routes) Handle(pattern string, h web.Handler, guards ...web.Guard) {
	rs.Mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var err error
		for _, g := range guards {
			if err = g(r); err != nil {
				break
			}
		}
		if err == nil {
			err = h(w, r)
		}
		if err == nil {
			return
		}
		if wf := (*web.WriteFailed)(nil); errors.As(err, &wf) {
			rs.Log.WarnContext(r.Context(), "write page", slog.Any("err", err),
				slog.String("requestId", web.RequestID(r.Context())))
			return
		}
		WriteError(w, r, rs.Log, err)
	}))
}

// errorView is what templates/error.html shows.
type errorView struct {
	Status    string
	Title     string
	Message   string
	RequestID string
}

// WriteError answers a page's request with err as an HTML page: a caller
// who must sign in first is sent to the sign-in page (and back here after
// it); the other kinds get their status (web.StatusOf) and message; an
// unexpected error is logged and gets a 500 page that quotes the request
// id and nothing else, as the API's 500 does.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, known := web.StatusOf(err)
	var msg string
	if known {
		msg = web.MessageOf(err)
	}
	switch {
	case status == http.StatusUnauthorized:
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = r.Referer()
			if u, perr := url.Parse(back); perr != nil || u.Host != r.Host {
				back = "/"
			} else {
				back = u.RequestURI()
			}
		}
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(back), http.StatusSeeOther)
		return
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return // the browser went away
	case !known:
		log.ErrorContext(r.Context(), "unexpected error",
			slog.Any("err", err),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("requestId", web.RequestID(r.Context())))
		msg = "Something went wrong on our side. Quote the request id below if you report it."
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
		msg = "The shop cannot reach its database just now. Try again in a moment."
	case errs.KindOf(err) == errs.Invalid && len(errs.FieldsOf(err)) > 0:
		msg = fieldList(errs.FieldsOf(err))
	}
	w.Header().Set("Cache-Control", "no-store")
	_ = Render(w, r, status, errorPage(ViewOf(r), errorView{
		Status: strconv.Itoa(status), Title: http.StatusText(status), Message: msg, RequestID: web.RequestID(r.Context()),
	}))
}

// fieldList turns the field errors of a request that no form shows (a
// link's bad query parameter) into one sentence.
func fieldList(fields map[string]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(fields) {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + " " + fields[k])
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// IsPage says whether r is a page's request rather than the API's: the
// app answers its errors (404, 405, a panic, an outage) with WriteError
// instead of problem+json.
func IsPage(r *http.Request) bool {
	p := r.URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/api" && p != "/openapi.json" && p != "/metrics" && p != "/readyz" && p != "/healthz"
}
