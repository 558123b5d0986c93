// Package page is the furniture every context's pages share: the layout
// and the error page (layout.templ), the style sheet and the one script
// (static/), rendering a page, form reading, the HTML answer to an error,
// and the security headers. It is net/http and templ alone, beside
// shared/web; each context keeps its own pages (their templ components and
// handlers) in its httpapi layer, next to its JSON handlers, and calls its
// own services, never the JSON API.
//
// A context's page is a templ component that puts its content in Layout,
// given the View of the request (ViewOf, or FormView for a form sent
// back with its errors). Handlers have the one shape of every handler,
// web.Handler, and are mounted with Routes, which answers a returned error
// with an HTML page instead of problem+json.
package page

import (
	"bytes"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

//go:embed static
var files embed.FS

// A View is what every page knows of its request: the caller (the zero
// Principal when signed out), the request's path and query (for sign-in's
// way back), the flash note of a redirect, and for a form sent back with
// its errors the values it was sent with and what is wrong with them, by
// the field paths the services name ("" for a message that names no
// field).
type View struct {
	Caller auth.Principal
	Path   string
	Flash  string
	Form   url.Values
	Errors map[string]string
}

// ViewOf returns the View of r, with the flash note its ?done= names.
func ViewOf(r *http.Request) View {
	return View{Caller: web.Caller(r), Path: r.URL.RequestURI(), Flash: flashes[r.URL.Query().Get("done")],
		Form: url.Values{}, Errors: map[string]string{}}
}

// Value is the form's value for name when the form was sent back (shown
// again with its errors), fallback otherwise (the stored value).
func (v View) Value(name, fallback string) string {
	if vs, ok := v.Form[name]; ok && len(vs) > 0 {
		return vs[0]
	}
	return fallback
}

// Error is what is wrong with the field name, "" when nothing is.
func (v View) Error(name string) string { return v.Errors[name] }

// flashes are the notes a page shows after the POST that redirected to it
// (SeeOther to Done(path, note)): fixed texts, so that a link cannot make
// the shop say something it did not.
var flashes = map[string]string{
	"saved":     "Saved.",
	"placed":    "Thank you: your order is placed.",
	"cancelled": "The order is cancelled.",
	"reviewed":  "Thank you for your review.",
	"added":     "Added to your basket.",
	"deleted":   "The book is deleted; it can be restored from the deleted books.",
	"restored":  "The book is restored.",
	"welcome":   "Welcome: your account is ready, and you are signed in.",
}

// Render answers r with the page c with status. It renders into a buffer
// first, so a page that fails to render is an error before anything is
// sent.
func Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return fmt.Errorf("render page: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if web.Caller(r).SignedIn() {
		h.Set("Cache-Control", "no-store") // a signed-in page is that person's
	}
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return &web.WriteFailed{Err: err}
	}
	return nil
}

// RenderForm answers r, a form sent with err as its outcome, with the page
// that show makes of the form's View: the values sent, err's field errors
// beside the fields (its message above the form when it names none), with
// the status of err's kind — 400, 409, 422, and 401 or 429 for a refused
// sign-in. An error of another kind (an outage, a missing book) is
// returned, for Routes to answer.
func RenderForm(w http.ResponseWriter, r *http.Request, err error, show func(View) templ.Component) error {
	status, _ := web.StatusOf(err)
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict,
		http.StatusTooManyRequests, http.StatusUnauthorized: // the last two: a sign-in refused
	default:
		return err
	}
	v := ViewOf(r)
	v.Flash = ""
	if r.PostForm != nil {
		v.Form = r.PostForm
	}
	for k, msg := range errs.FieldsOf(err) {
		v.Errors[k] = msg
	}
	if len(v.Errors) == 0 {
		v.Errors[""] = web.MessageOf(err)
	}
	return Render(w, r, status, show(v))
}

// SeeOther answers a POST that worked with a redirect to target (a GET),
// so that reloading the page that follows does not send the form again.
func SeeOther(w http.ResponseWriter, r *http.Request, target string) error {
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// Done returns the local path with the note done (one of the fixed flashes,
// such as "saved") for the page it leads to: the target of SeeOther after a
// POST that worked.
func Done(path, done string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "done=" + done
}

// LocalPath returns s if it is a path of this site ("/orders?x=1"), and
// fallback otherwise: a next parameter must never send the browser to
// another site (an open redirector).
func LocalPath(s, fallback string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return fallback
	}
	if u, err := url.Parse(s); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return s
}

// maxForm bounds a form's body: the largest the pages send (a new book) is
// a few kilobytes.
const maxForm = 64 << 10

// ReadForm parses r's form (a POST's url-encoded body, at most 64 KiB); a
// body that is too large or not a form is errs.Invalid, which RenderForm
// shows above the form.
func ReadForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return errs.New(errs.Invalid, "The form could not be read; send it again from the page.")
	}
	return nil
}

// Money writes an amount in cents as the shop shows prices: $12.34.
func Money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
}

// Date writes a day as the pages show it: 2 January 2006.
func Date(t time.Time) string { return t.UTC().Format("2 January 2006") }

// ISODate writes a day as an <input type="date"> holds it: 2006-01-02.
func ISODate(t time.Time) string { return t.UTC().Format(time.DateOnly) }
