package web

import (
	"errors"
	"log/slog"
	"maps"
	"net/http"

	"github.com/google/uuid"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
)

// A Handler serves one route and returns its failure instead of writing it:
// it decodes, calls a service, and either writes its answer (Encode,
// WriteHeader) and returns nil, or returns the error, which Handle answers as
// problem+json. It is the one handler shape of every context's HTTP adapter.
type Handler func(w http.ResponseWriter, r *http.Request) error

// A Mux is what a context mounts its routes on: *http.ServeMux and chi's
// router both are one. Patterns are net/http's, method first
// ("GET /api/books/{id}"), and handlers read path values with
// r.PathValue, so a context's routes need no router of their own.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// A Guard decides before the handler runs whether the caller may use the
// route: nil lets the request through; an error is the answer.
type Guard func(r *http.Request) error

// Routes mounts a context's handlers on a Mux, and answers every error they
// (or their guards) return through WriteError with one logger.
type Routes struct {
	Mux Mux
	Log *slog.Logger
}

// Handle mounts h at pattern behind guards, checked in order.
func (rs Routes) Handle(pattern string, h Handler, guards ...Guard) {
	rs.Mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkGuards(r, guards)
		if err == nil {
			err = h(w, r)
		}
		if err == nil {
			return
		}
		if wf := (*WriteFailed)(nil); errors.As(err, &wf) {
			rs.Log.WarnContext(r.Context(), "write response", slog.Any("err", err),
				slog.String("requestId", RequestID(r.Context())))
			return
		}
		WriteError(w, r, rs.Log, err)
	}))
}

func checkGuards(r *http.Request, guards []Guard) error {
	for _, g := range guards {
		if err := g(r); err != nil {
			return err
		}
	}
	return nil
}

// SignedIn lets only signed-in callers through (auth.ErrSignIn, 401).
func SignedIn(r *http.Request) error { return auth.RequireSignedIn(Caller(r)) }

// Admin lets only administrators through (auth.ErrSignIn, 401, for
// anonymous callers; auth.ErrAdminsOnly, 403, for the others). The service
// checks again; the guard answers before the body is read.
func Admin(r *http.Request) error { return auth.RequireAdmin(Caller(r)) }

// Caller returns the principal Authenticate put in r's context; the zero
// Principal (anonymous) if there is none. Services are given it as their
// first argument after the context and decide what it may do.
func Caller(r *http.Request) auth.Principal {
	p, _ := auth.FromContext(r.Context())
	return p
}

// PathID returns the path value name of r as an id in the one form the API
// writes them, 0190a5e2-7b1c-7def-8000-0123456789ab (uuid.Parse alone would
// also take braces, a urn: prefix or no dashes), or errs.Invalid naming it.
func PathID(r *http.Request, name string) (uuid.UUID, error) {
	id, ok := ParseID(r.PathValue(name))
	if !ok {
		return uuid.Nil, errs.WithFields(errs.Invalid, map[string]string{name: IDMessage})
	}
	return id, nil
}

// RenameField returns err with its field from reported as to: for an
// adapter whose input came from elsewhere than the path the service names,
// such as a header (the service says "idempotencyKey", the client sent
// Idempotency-Key). Other errors are returned as they are.
func RenameField(err error, from, to string) error {
	fields := errs.FieldsOf(err)
	msg, ok := fields[from]
	if !ok {
		return err
	}
	renamed := maps.Clone(fields)
	delete(renamed, from)
	renamed[to] = msg
	return errs.WithFields(errs.KindOf(err), renamed)
}

// IDMessage is what a malformed id in a path or a body is told.
const IDMessage = "must be a UUID such as 01890a5d-ac96-774b-bcce-b302099a8057"

// ParseID reads s as PathID does, for ids inside request bodies.
func ParseID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	return id, err == nil
}
