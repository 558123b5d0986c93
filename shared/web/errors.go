package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"example.com/bookapp/shared/errs"
)

// statuses is the one table from error kinds to HTTP statuses.
var statuses = []struct {
	kind   error
	status int
}{
	{errs.Invalid, http.StatusBadRequest},
	{errs.Unauthenticated, http.StatusUnauthorized},
	{errs.Forbidden, http.StatusForbidden},
	{errs.NotFound, http.StatusNotFound},
	{errs.Conflict, http.StatusConflict},
	{errs.RuleBroken, http.StatusUnprocessableEntity},
	{errs.TooManyRequests, http.StatusTooManyRequests},
	{errs.Unavailable, http.StatusServiceUnavailable},
}

// An httpError is a failure that only exists at the HTTP edge (415, 413): it
// carries its own status.
type httpError struct {
	status int
	detail string
	fields map[string]string
}

func (e *httpError) Error() string { return e.detail }

// WriteError answers err as problem+json. Errors of a kind in errs get that
// kind's status and their message (and fields); anything else is an
// unexpected failure: it is logged with the request id, and the client gets a
// generic 500 that quotes the id and nothing else.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if he := (*httpError)(nil); errors.As(err, &he) {
		WriteProblem(w, r, Problem{Status: he.status, Detail: he.detail, Errors: he.fields})
		return
	}
	if status, ok := StatusOf(err); ok {
		p := Problem{Status: status, Detail: MessageOf(err), Errors: errs.FieldsOf(err)}
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="bookapp"`)
		}
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		WriteProblem(w, r, p)
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; nobody reads the answer.
		log.DebugContext(r.Context(), "request cancelled by the client",
			slog.String("requestId", RequestID(r.Context())))
		return
	}
	log.ErrorContext(r.Context(), "unexpected error",
		slog.Any("err", err),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("requestId", RequestID(r.Context())))
	WriteProblem(w, r, Problem{Status: http.StatusInternalServerError,
		Detail: "An unexpected error occurred; quote the request id when reporting it."})
}

// StatusOf returns the HTTP status of err's kind, and false for an error
// of no kind in errs (an unexpected failure, 500). Pages answer with it too.
func StatusOf(err error) (int, bool) {
	for _, s := range statuses {
		if errors.Is(err, s.kind) {
			return s.status, true
		}
	}
	return http.StatusInternalServerError, false
}

// MessageOf is the client-facing message of a kind-wrapping error: the
// message of the errs.Error in its chain, without the call-site context that
// wrapping added (which may name internals).
func MessageOf(err error) string {
	if e := (*errs.Error)(nil); errors.As(err, &e) {
		return e.Message
	}
	return errs.KindOf(err).Error()
}
