package httpapi

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/google/uuid"

	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
)

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

var pageSizes = []string{"10", "20", "50", "100"}

// sortChoices are the catalogue's sorts, in the order the drop-down lists
// them.
var sortChoices = []struct{ Value, Label string }{
	{listbooks.SortDefault, "Newest"},
	{listbooks.SortVotes, "Votes"},
	{listbooks.SortPublished, "Publication date"},
	{listbooks.SortPrice, "Price, lowest first"},
	{listbooks.SortPriceDesc, "Price, highest first"},
	{listbooks.SortBestsellers, "Bestsellers"},
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

// catalogueView is what the catalogue page shows, ready to print: the
// templates only place values (each call a template makes is a reflective
// call, and the catalogue is the shop's busiest page).
type catalogueView struct {
	Books                            []bookRow
	Sorts, Votes, Years, Tags, Sizes []page.Option
	Next, Prev                       string // the next and previous pages' links; "" when there is none
}

// options returns the choices values (labelled by label) with chosen
// selected.
func options(values []string, chosen string, label func(string) string) []page.Option {
	out := make([]page.Option, len(values))
	for i, v := range values {
		out[i] = page.Option{Value: v, Label: label(v), Selected: v == chosen}
	}
	return out
}

func same(s string) string { return s }

// A bookRow is a book as the catalogue lists it.
type bookRow struct {
	ID, Title, Authors, Published, Votes string
	Tags                                 []string
	Price                                priceView
}

// priceView is how a price shows: the actual price, and on promotion the
// list price struck through beside the promotional text; "not for sale" at 0.
type priceView struct {
	ForSale, OnPromotion          bool
	Price, ActualPrice, PromoText string
}

func priceOf(priceCents, actualCents int64, promoText string) priceView {
	return priceView{
		ForSale: actualCents > 0, OnPromotion: actualCents != priceCents,
		Price: page.Money(priceCents), ActualPrice: page.Money(actualCents), PromoText: promoText,
	}
}

// votesOf is a book's votes as the shop words them.
func votesOf(average *float64, count int) string {
	if average == nil {
		return "Be the first to review"
	}
	customers := "customers"
	if count == 1 {
		customers = "customer"
	}
	return "Votes " + strconv.FormatFloat(*average, 'f', 1, 64) + " by " + strconv.Itoa(count) + " " + customers
}

func rowOf(it listbooks.Item) bookRow {
	return bookRow{
		ID: it.ID.String(), Title: it.Title, Authors: it.Authors, Published: page.Date(it.PublishedOn),
		Votes: votesOf(it.AverageVotes, it.ReviewsCount), Tags: it.Tags,
		Price: priceOf(it.PriceCents, it.ActualPriceCents, it.PromotionalText),
	}
}

func (p pages) catalogue(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" { // "GET /" is every path to an http.ServeMux
		return errNoSuchPage
	}
	q := web.QueryOf(r)
	sort, votes, tag, year, size := q.String("sort"), q.String("votes"), q.String("tag"), q.String("year"), q.String("pageSize")
	in := listQuery(q)
	if in.PageSize == nil {
		n := CataloguePageSize
		in.PageSize = &n
		size = strconv.Itoa(n)
	}
	if err := q.Err(); err != nil {
		return err
	}
	list, err := p.lists.List(r.Context(), in)
	if err != nil {
		return err
	}
	choices, err := p.books.Choices(r.Context())
	if err != nil {
		return err
	}
	if sort == "" {
		sort = listbooks.SortDefault
	}
	v := catalogueView{
		Books: make([]bookRow, len(list.Items)),
		Sorts: make([]page.Option, len(sortChoices)),
		Votes: options([]string{"", "1", "2", "3", "4"}, votes, func(s string) string {
			if s == "" {
				return "Any"
			}
			return s + " or more"
		}),
		Tags:  append([]page.Option{{Value: "", Label: "Any tag", Selected: tag == ""}}, options(choices.Tags, tag, same)...),
		Sizes: options(pageSizes, size, same),
		Years: []page.Option{{Value: "", Label: "Any year", Selected: year == ""},
			{Value: listbooks.YearUpcoming, Label: "Upcoming", Selected: year == listbooks.YearUpcoming}},
	}
	for i, c := range sortChoices {
		v.Sorts[i] = page.Option{Value: c.Value, Label: c.Label, Selected: c.Value == sort}
	}
	for _, y := range choices.Years {
		s := strconv.Itoa(y)
		v.Years = append(v.Years, page.Option{Value: s, Label: s, Selected: s == year})
	}
	for i, it := range list.Items {
		v.Books[i] = rowOf(it)
	}
	filters := url.Values{}
	for _, k := range []string{"sort", "votes", "year", "tag", "pageSize"} {
		if s := q.String(k); s != "" {
			filters.Set(k, s)
		}
	}
	trail := splitTrail(q.String("back"))
	if list.NextCursor != "" {
		here := in.Cursor
		if here == "" {
			here = firstPage
		}
		next := append(trail[max(0, len(trail)+1-maxTrail):len(trail):len(trail)], here)
		v.Next = link(filters, "cursor", list.NextCursor, "back", strings.Join(next, trailSep))
	}
	if len(trail) > 0 {
		prev := trail[len(trail)-1]
		if prev == firstPage {
			prev = ""
		}
		v.Prev = link(filters, "cursor", prev, "back", strings.Join(trail[:len(trail)-1], trailSep))
	} else if in.Cursor != "" {
		v.Prev = link(filters)
	}
	return page.Render(w, r, http.StatusOK, cataloguePage(page.ViewOf(r), v))
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
	Book           service.Book
	Price          priceView
	Authors, Votes string
	Stars          []page.Option // the review form's choices
}

func (p pages) bookOf(r *http.Request) (bookView, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return bookView{}, service.ErrBookNotFound
	}
	b, err := p.books.GetBook(r.Context(), id)
	stars := r.PostFormValue("numStars")
	if stars == "" {
		stars = "5"
	}
	return bookView{Book: b, Price: priceOf(b.PriceCents, b.ActualPriceCents, b.PromotionalText),
		Authors: strings.Join(b.Authors, ", "), Votes: votesOf(b.AverageVotes, b.ReviewsCount),
		Stars: options([]string{"5", "4", "3", "2", "1", "0"}, stars, same)}, err
}

func (p pages) book(w http.ResponseWriter, r *http.Request) error {
	v, err := p.bookOf(r)
	if err != nil {
		return err
	}
	return page.Render(w, r, http.StatusOK, bookDetailPage(page.ViewOf(r), v))
}

// form shows book r's page again with the form it sent and err's field
// errors.
func (p pages) bookForm(w http.ResponseWriter, r *http.Request, err error) error {
	v, gerr := p.bookOf(r)
	if gerr != nil {
		return gerr
	}
	return page.RenderForm(w, r, err, func(pv page.View) templ.Component { return bookDetailPage(pv, v) })
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
	return page.Render(w, r, http.StatusOK, adminPage(page.ViewOf(r)))
}

func (p pages) newBookForm(w http.ResponseWriter, r *http.Request) error {
	return page.Render(w, r, http.StatusOK, newBookPage(page.ViewOf(r)))
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
		return page.RenderForm(w, r, err, newBookPage)
	}
	f := r.PostForm
	publishedOn, price := web.ParseDate(f.Get("publishedOn")), web.ParseAmount(f.Get("price"))
	if err := web.Check(map[string]web.Checked{"publishedOn": publishedOn, "price": price}); err != nil {
		return page.RenderForm(w, r, err, newBookPage)
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
		return page.RenderForm(w, r, err, newBookPage)
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
	return page.Render(w, r, http.StatusOK, deletedPage(page.ViewOf(r), v))
}

// cacheView is the cache check's page: nil before a check has run.
type cacheView struct {
	Report *cachecheck.Report
}

func (p pages) cacheForm(w http.ResponseWriter, r *http.Request) error {
	return page.Render(w, r, http.StatusOK, cachePage(page.ViewOf(r), cacheView{}))
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
	return page.Render(w, r, http.StatusOK, cachePage(page.ViewOf(r), cacheView{Report: &rep}))
}
