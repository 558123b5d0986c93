package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
)

// logRequests logs each request once it is done: server errors at error
// level, the rest at debug level, always with the request id.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelDebug
			switch {
			case status == http.StatusServiceUnavailable:
				level = slog.LevelWarn // starting, or the database is away: logged where it is known
			case status >= 500:
				level = slog.LevelError
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.String("requestId", web.RequestID(r.Context())),
			)
		})
	}
}

// recoverPanics turns a panic in a handler into a logged 500 problem, so one
// bad request never takes the process down. http.ErrAbortHandler is re-raised:
// it is how a handler asks net/http to abort the response.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic serving request",
					slog.Any("panic", v),
					slog.String("stack", string(debug.Stack())),
					slog.String("requestId", web.RequestID(r.Context())),
				)
				if page.IsPage(r) {
					page.WriteError(w, r, log, errPanic)
					return
				}
				web.WriteProblem(w, r, web.Problem{Status: http.StatusInternalServerError,
					Detail: "An unexpected error occurred; quote the request id when reporting it."})
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// errPanic is no kind of errs: page.WriteError logs it and answers 500.
var errPanic = errors.New("panic serving request")

// withDeadline gives each request's context a deadline d from its start, so
// that nothing done for one request hangs: a database call still running then
// is cancelled and answered 503, and its connection goes back to the pool.
func withDeadline(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
