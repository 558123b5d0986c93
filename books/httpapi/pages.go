package httpapi

import (
	"embed"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
)

//go:embed pages/*.html
var pageFiles embed.FS

var pagesSet = page.MustParse(pageFiles, "pages")

// Pages mounts the books context's pages on mux: the catalogue at /, a
// book's page with its review form, and the administrators' pages for the
// catalogue (a new book, publication dates, promotions, soft delete and
// restore, the check of the cached values).
func Pages(mux web.Mux, log *slog.Logger, books *service.Service, lists *listbooks.Service) {
	p := pages{books: books, lists: lists}
	rs := page.Routes{Mux: mux, Log: log}
	rs.Handle("GET /", p.catalogue)
	rs.Handle("GET /books/{id}", p.book)
	rs.Handle("POST /books/{id}/reviews", p.addReview, web.SignedIn)

	rs.Handle("GET /admin", p.admin, web.Admin)
	rs.Handle("GET /admin/books/new", p.newBookForm, web.Admin)
	rs.Handle("POST /admin/books", p.addBook, web.Admin)
	rs.Handle("POST /admin/books/{id}/published-on", p.changePublishedOn, web.Admin)
	rs.Handle("POST /admin/books/{id}/promotion", p.setPromotion, web.Admin)
	rs.Handle("POST /admin/books/{id}/promotion/remove", p.removePromotion, web.Admin)
	rs.Handle("POST /admin/books/{id}/delete", p.softDelete, web.Admin)
	rs.Handle("POST /admin/books/{id}/restore", p.restore, web.Admin)
	rs.Handle("GET /admin/books/deleted", p.deleted, web.Admin)
	rs.Handle("GET /admin/cache", p.cacheForm, web.Admin)
	rs.Handle("POST /admin/cache", p.checkCache, web.Admin)
}

var errNoSuchPage = errs.New(errs.NotFound, "There is no such page.")

type pages struct {
	books *service.Service
	lists *listbooks.Service
}

// The catalogue shows CataloguePageSize books unless asked for one of
// pageSizes.
const CataloguePageSize = 20

var pageSizes = []int{10, 20, 50, 100}

// sortChoices are the catalogue's sorts, in the order the drop-down lists
// them.
var sortChoices = []struct{ Value, Label string }{
	{listbooks.SortDefault, "Newest"},
	{listbooks.SortVotes, "Votes"},
	{listbooks.SortPublished, "Publication date"},
	{listbooks.SortPrice, "Price, lowest first"},
	{listbooks.SortPriceDesc, "Price, highest first"},
}

// The catalogue's trail of earlier pages ("back"): the cursors of the pages
// before this one, oldest first, joined by trailSep, the first page written
// firstPage. A keyset cursor only goes forward; the trail is how Previous
// goes back without OFFSET. It keeps maxTrail pages at most (far back,
// Previous leads to the first page).
const (
	trailSep  = "."
	firstPage = "~"
	maxTrail  = 30
)

// catalogueView is what the catalogue page shows.
type catalogueView struct {
	Books            []listbooks.Item
	Tags             []string
	Years            []int
	Sorts            []struct{ Value, Label string }
	PageSizes        []int
	Sort, Votes, Tag string
	Year, PageSize   string
	Filters          url.Values // the sort, filters and page size, for the links that keep them
	Next, Prev       string     // the next and previous pages' links; "" when there is none
	First            bool
}

func (p pages) catalogue(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" { // "GET /" is every path to an http.ServeMux
		return errNoSuchPage
	}
	q := web.QueryOf(r)
	v := catalogueView{
		Sorts: sortChoices, PageSizes: pageSizes,
		Sort: q.String("sort"), Votes: q.String("votes"), Tag: q.String("tag"), Year: q.String("year"),
		PageSize: q.String("pageSize"),
	}
	in := listbooks.Query{Sort: v.Sort, Votes: q.Int("votes"), Tag: v.Tag, PageSize: q.Int("pageSize"), Cursor: q.String("cursor")}
	if in.PageSize == nil {
		n := CataloguePageSize
		in.PageSize = &n
		v.PageSize = strconv.Itoa(n)
	}
	switch year := v.Year; {
	case year == listbooks.YearUpcoming:
		in.Upcoming = true
	case year == "" || len(year) == 4:
		in.Year = q.Int("year")
	default:
		q.Bad("year", `must be a year (YYYY) or "upcoming"`)
	}
	if err := q.Err(); err != nil {
		return err
	}
	list, err := p.lists.List(r.Context(), in)
	if err != nil {
		return err
	}
	if v.Tags, err = p.books.Tags(r.Context()); err != nil {
		return err
	}
	if v.Years, err = p.books.Years(r.Context()); err != nil {
		return err
	}
	v.Books = list.Items
	v.Filters = url.Values{}
	for _, k := range []string{"sort", "votes", "year", "tag", "pageSize"} {
		if s := q.String(k); s != "" {
			v.Filters.Set(k, s)
		}
	}
	trail := splitTrail(q.String("back"))
	v.First = in.Cursor == ""
	if list.NextCursor != "" {
		here := in.Cursor
		if here == "" {
			here = firstPage
		}
		next := append(trail[max(0, len(trail)+1-maxTrail):len(trail):len(trail)], here)
		v.Next = link(v.Filters, "cursor", list.NextCursor, "back", strings.Join(next, trailSep))
	}
	if len(trail) > 0 {
		prev := trail[len(trail)-1]
		if prev == firstPage {
			prev = ""
		}
		v.Prev = link(v.Filters, "cursor", prev, "back", strings.Join(trail[:len(trail)-1], trailSep))
	} else if !v.First {
		v.Prev = link(v.Filters)
	}
	return pagesSet.Render(w, r, http.StatusOK, "catalogue.html", v)
}

func splitTrail(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, trailSep)
}

// link is the catalogue's address with q and pairs of name, value ("" for
// none) set.
func link(q url.Values, pairs ...string) string {
	out := url.Values{}
	for k, vs := range q {
		out[k] = vs
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			out.Set(pairs[i], pairs[i+1])
		}
	}
	if len(out) == 0 {
		return "/"
	}
	return "/?" + out.Encode()
}

// bookView is a book's page: the book, and whether the caller may review it
// or manage it.
type bookView struct {
	Book service.Book
}

func (p pages) bookOf(r *http.Request) (bookView, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return bookView{}, service.ErrBookNotFound
	}
	b, err := p.books.GetBook(r.Context(), id)
	return bookView{Book: b}, err
}

func (p pages) book(w http.ResponseWriter, r *http.Request) error {
	v, err := p.bookOf(r)
	if err != nil {
		return err
	}
	return pagesSet.Render(w, r, http.StatusOK, "book.html", v)
}

// form shows book r's page again with the form it sent and err's field
// errors.
func (p pages) bookForm(w http.ResponseWriter, r *http.Request, err error) error {
	v, gerr := p.bookOf(r)
	if gerr != nil {
		return gerr
	}
	return pagesSet.RenderForm(w, r, "book.html", v, err)
}

func (p pages) addReview(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return p.bookForm(w, r, err)
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	stars, err := strconv.Atoi(r.PostFormValue("numStars"))
	if err != nil {
		return p.bookForm(w, r, errs.WithFields(errs.Invalid, map[string]string{"numStars": "must be chosen: 0 to 5 stars"}))
	}
	_, err = p.books.AddReview(r.Context(), web.Caller(r), id, service.ReviewInput{NumStars: stars, Comment: r.PostFormValue("comment")})
	if err != nil {
		return p.bookForm(w, r, err)
	}
	return page.SeeOther(w, r, page.Done(bookPath(id), "reviewed")+"#reviews")
}

func bookPath(id uuid.UUID) string { return "/books/" + id.String() }

func (p pages) admin(w http.ResponseWriter, r *http.Request) error {
	return pagesSet.Render(w, r, http.StatusOK, "admin.html", nil)
}

func (p pages) newBookForm(w http.ResponseWriter, r *http.Request) error {
	return pagesSet.Render(w, r, http.StatusOK, "newbook.html", nil)
}

// lines splits a text area's value into its non-empty lines: a new book's
// authors, one per line.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (p pages) addBook(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return pagesSet.RenderForm(w, r, "newbook.html", nil, err)
	}
	f := r.PostForm
	publishedOn, price := web.ParseDate(f.Get("publishedOn")), web.ParseAmount(f.Get("price"))
	if err := web.Check(map[string]web.Checked{"publishedOn": publishedOn, "price": price}); err != nil {
		return pagesSet.RenderForm(w, r, "newbook.html", nil, err)
	}
	var tags []string
	for _, t := range strings.Split(f.Get("tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	b, err := p.books.AddBook(r.Context(), web.Caller(r), service.BookInput{
		Title: f.Get("title"), Description: f.Get("description"), PublishedOn: publishedOn.Time,
		Publisher: f.Get("publisher"), PriceCents: price.Cents, ImageURL: f.Get("imageUrl"),
		Authors: lines(f.Get("authors")), Tags: tags,
	})
	if err != nil {
		return pagesSet.RenderForm(w, r, "newbook.html", nil, err)
	}
	return page.SeeOther(w, r, page.Done(bookPath(b.ID), "saved"))
}

func (p pages) changePublishedOn(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return p.bookForm(w, r, err)
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	day := web.ParseDate(r.PostFormValue("publishedOn"))
	if err := web.Check(map[string]web.Checked{"publishedOn": day}); err != nil {
		return p.bookForm(w, r, err)
	}
	if _, err := p.books.ChangePublishedOn(r.Context(), web.Caller(r), id, day.Time); err != nil {
		return p.bookForm(w, r, err)
	}
	return page.SeeOther(w, r, page.Done(bookPath(id), "saved"))
}

func (p pages) setPromotion(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return p.bookForm(w, r, err)
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	price := web.ParseAmount(r.PostFormValue("actualPrice"))
	if err := web.Check(map[string]web.Checked{"actualPrice": price}); err != nil {
		return p.bookForm(w, r, err)
	}
	in := service.PromotionInput{ActualPriceCents: price.Cents, Text: r.PostFormValue("promotionalText")}
	if _, err := p.books.SetPromotion(r.Context(), web.Caller(r), id, in); err != nil {
		return p.bookForm(w, r, err)
	}
	return page.SeeOther(w, r, page.Done(bookPath(id), "saved"))
}

func (p pages) removePromotion(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := p.books.RemovePromotion(r.Context(), web.Caller(r), id); err != nil {
		return err
	}
	return page.SeeOther(w, r, page.Done(bookPath(id), "saved"))
}

func (p pages) softDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := p.books.SoftDelete(r.Context(), web.Caller(r), id); err != nil {
		return err
	}
	return page.SeeOther(w, r, page.Done("/admin/books/deleted", "deleted"))
}

func (p pages) restore(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := p.books.Restore(r.Context(), web.Caller(r), id); err != nil {
		return err
	}
	return page.SeeOther(w, r, page.Done(bookPath(id), "restored"))
}

// deletedView is the list of soft-deleted books.
type deletedView struct {
	Books []listbooks.Item
	Next  string
}

func (p pages) deleted(w http.ResponseWriter, r *http.Request) error {
	q := web.QueryOf(r)
	n := 50
	in := listbooks.DeletedQuery{PageSize: &n, Cursor: q.String("cursor")}
	if err := q.Err(); err != nil {
		return err
	}
	list, err := p.lists.ListDeleted(r.Context(), in)
	if err != nil {
		return err
	}
	v := deletedView{Books: list.Items}
	if list.NextCursor != "" {
		v.Next = "/admin/books/deleted?cursor=" + url.QueryEscape(list.NextCursor)
	}
	return pagesSet.Render(w, r, http.StatusOK, "deleted.html", v)
}

// cacheView is the cache check's page: nil before a check has run.
type cacheView struct {
	Report *cachecheck.Report
}

func (p pages) cacheForm(w http.ResponseWriter, r *http.Request) error {
	return pagesSet.Render(w, r, http.StatusOK, "cache.html", cacheView{})
}

// checkCache runs the check (and the repair, with fix=true) and shows its
// report: an idempotent operation, so the page that answers the POST is
// the report itself rather than a redirect.
func (p pages) checkCache(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return err
	}
	rep, err := p.books.CheckCache(r.Context(), web.Caller(r), r.PostFormValue("fix") == "true")
	if err != nil {
		return err
	}
	return pagesSet.Render(w, r, http.StatusOK, "cache.html", cacheView{Report: &rep})
}
