// Package page is the furniture every context's pages share: the layout
// and the error pages (templates/), the style sheet and the one script
// (static/), the rendering of a page with html/template, form reading, the
// HTML answer to an error, and the security headers. It is net/http and
// html/template alone, like shared/web beside it; each context keeps its own
// pages (its templates and handlers) in its httpapi layer, next to its JSON
// handlers, and calls its own services, never the JSON API.
//
// A context's page is a template file that defines "title" and "content";
// Parse puts each file together with the layout. Handlers have the one
// shape of every handler, web.Handler, and are mounted with Routes, which
// answers a returned error with an HTML page instead of problem+json.
package page

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

//go:embed templates static
var files embed.FS

// A Set is a context's pages, each parsed with the layout.
type Set struct {
	pages map[string]*template.Template
}

// base is the layout and the shared error page.
var base = template.Must(template.New("").Funcs(Funcs).ParseFS(files, "templates/layout.html"))

// errorPages is the error page, rendered by WriteError for every context.
var errorPages = mustParse(files, "templates", "error.html")

// Parse returns the pages in dir of fsys: every .html file but those whose
// name starts with "_", each parsed after the layout and the "_" files
// (templates several pages use), and named by its file name ("book.html").
func Parse(fsys fs.FS, dir string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var partials, names []string
	for _, e := range entries {
		switch name := e.Name(); {
		case !strings.HasSuffix(name, ".html"):
		case strings.HasPrefix(name, "_"):
			partials = append(partials, path.Join(dir, name))
		default:
			names = append(names, name)
		}
	}
	s := &Set{pages: map[string]*template.Template{}}
	for _, name := range names {
		t := template.Must(base.Clone())
		if len(partials) > 0 {
			if _, err := t.ParseFS(fsys, partials...); err != nil {
				return nil, err
			}
		}
		if _, err := t.ParseFS(fsys, path.Join(dir, name)); err != nil {
			return nil, err
		}
		s.pages[name] = t
	}
	return s, nil
}

func mustParse(fsys fs.FS, dir string, names ...string) *Set {
	s, err := Parse(fsys, dir)
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if s.pages[n] == nil {
			panic("page: no template " + n)
		}
	}
	return s
}

// MustParse is Parse for a context's embedded pages, which are known at
// build time: an error is a bug, and panics at start-up.
func MustParse(fsys fs.FS, dir string) *Set { return mustParse(fsys, dir) }

// A View is what a page's template is given: .Caller (the signed-in
// principal, or the zero one), .Path (the request's path and query, for
// sign-in's way back), .Data (the page's own values), .Form (the values a
// form was sent with, to show them again) and .Errors (what is wrong with
// them, by the field paths the services name).
type View struct {
	Caller auth.Principal
	Path   string
	Data   any
	Form   url.Values
	Errors map[string]string
	Flash  string
}

// Render answers r with the page name of s, with status and data. A form
// shown again with its errors is rendered with RenderForm.
func (s *Set) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	return s.render(w, r, status, name, View{Data: data, Flash: flashes[r.URL.Query().Get("done")]})
}

// flashes are the notes a page shows after the POST that redirected to it
// (SeeOther with ?done=...): fixed texts, so that a link cannot make the shop
// say something it did not.
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

// RenderForm answers r with the page name showing the form r sent again
// with err's field errors beside the fields (and its message when it names
// no field), with the status err's kind has: 400, 409, 422, and 401 or 429
// for a refused sign-in. An error of another kind is returned, for Routes to
// answer.
func (s *Set) RenderForm(w http.ResponseWriter, r *http.Request, name string, data any, err error) error {
	status, _ := web.StatusOf(err)
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict,
		http.StatusTooManyRequests, http.StatusUnauthorized: // the last two: a sign-in refused
	default:
		return err
	}
	fields := map[string]string{}
	for k, v := range errs.FieldsOf(err) {
		fields[k] = v
	}
	if len(fields) == 0 {
		fields[""] = web.MessageOf(err)
	}
	return s.render(w, r, status, name, View{Data: data, Form: r.PostForm, Errors: fields})
}

func (s *Set) render(w http.ResponseWriter, r *http.Request, status int, name string, v View) error {
	t := s.pages[name]
	if t == nil {
		return fmt.Errorf("page: no page %q", name)
	}
	v.Caller = web.Caller(r)
	v.Path = r.URL.RequestURI()
	if v.Form == nil {
		v.Form = url.Values{}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if v.Caller.SignedIn() {
		h.Set("Cache-Control", "no-store") // a signed-in page is that person's
	}
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return &web.WriteFailed{Err: err}
	}
	return nil
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

// Funcs are the functions every page's template may call.
var Funcs = template.FuncMap{
	// money writes an amount in cents as the shop shows prices: $12.34.
	"money": func(cents int64) string {
		sign := ""
		if cents < 0 {
			sign, cents = "-", -cents
		}
		return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
	},
	// date writes a day as 2 January 2006; isoDate as 2006-01-02 (an
	// <input type="date">'s value).
	"date":    func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"isoDate": func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
	// votes writes an average of stars with one decimal: 4.3 ("" for none).
	"votes": func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 1, 64)
	},
	// list makes the choices of a drop-down written in the template.
	"list": func(xs ...string) []string { return xs },
	// value is the form's value for name when the form was sent (shown
	// again with its errors), fallback otherwise (the stored value).
	"value": func(form url.Values, name, fallback string) string {
		if vs, ok := form[name]; ok && len(vs) > 0 {
			return vs[0]
		}
		return fallback
	},
	// selected says whether an <option> is the one chosen.
	"selected": func(a, b string) bool { return a == b },
	"itoa":     strconv.Itoa,
}
