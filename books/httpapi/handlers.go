package httpapi

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

// The JSON of requests and responses, as docs/design/API.md gives it.

type bookRequest struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	PublishedOn web.Date   `json:"publishedOn"`
	Publisher   string     `json:"publisher"`
	Price       web.Amount `json:"price"`
	ImageURL    string     `json:"imageUrl"`
	Authors     []string   `json:"authors"`
	Tags        []string   `json:"tags"`
}

type publishedOnRequest struct {
	PublishedOn web.Date `json:"publishedOn"`
}

type promotionRequest struct {
	ActualPrice     web.Amount `json:"actualPrice"`
	PromotionalText string     `json:"promotionalText"`
}

type reviewRequest struct {
	NumStars *float64 `json:"numStars"` // a float, to tell 4.5 ("a whole number") from "four" ("a number")
	Comment  string   `json:"comment"`
}

// bookSummary is a book in a list.
type bookSummary struct {
	ID              uuid.UUID `json:"id"`
	Title           string    `json:"title"`
	Authors         string    `json:"authors"`
	PublishedOn     web.Date  `json:"publishedOn"`
	Price           web.Money `json:"price"`
	ActualPrice     web.Money `json:"actualPrice"`
	PromotionalText *string   `json:"promotionalText"`
	ReviewsCount    int       `json:"reviewsCount"`
	AverageVotes    *float64  `json:"averageVotes"`
	Tags            []string  `json:"tags"`
}

type bookPage struct {
	Items      []bookSummary `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}

// book is a book in full. Optional texts are null when empty, like
// promotionalText.
type book struct {
	ID              uuid.UUID `json:"id"`
	Title           string    `json:"title"`
	Authors         []string  `json:"authors"`
	PublishedOn     web.Date  `json:"publishedOn"`
	Price           web.Money `json:"price"`
	ActualPrice     web.Money `json:"actualPrice"`
	PromotionalText *string   `json:"promotionalText"`
	ReviewsCount    int       `json:"reviewsCount"`
	AverageVotes    *float64  `json:"averageVotes"`
	Tags            []string  `json:"tags"`
	Description     *string   `json:"description"`
	Publisher       *string   `json:"publisher"`
	ImageURL        *string   `json:"imageUrl"`
	Reviews         []review  `json:"reviews"`
}

type review struct {
	ID        uuid.UUID `json:"id"`
	VoterName string    `json:"voterName"`
	NumStars  int       `json:"numStars"`
	Comment   *string   `json:"comment"`
	CreatedAt time.Time `json:"createdAt"`
	// VerifiedPurchase: the reviewer had bought the book in an order not
	// cancelled.
	VerifiedPurchase bool `json:"verifiedPurchase"`
}

func toBook(b service.Book) book {
	out := book{
		ID:              b.ID,
		Title:           b.Title,
		Authors:         nonNil(b.Authors),
		PublishedOn:     web.DateOf(b.PublishedOn),
		Price:           web.Money(b.PriceCents),
		ActualPrice:     web.Money(b.ActualPriceCents),
		PromotionalText: nullIfEmpty(b.PromotionalText),
		ReviewsCount:    b.ReviewsCount,
		AverageVotes:    b.AverageVotes,
		Tags:            nonNil(b.Tags),
		Description:     nullIfEmpty(b.Description),
		Publisher:       nullIfEmpty(b.Publisher),
		ImageURL:        nullIfEmpty(b.ImageURL),
		Reviews:         make([]review, len(b.Reviews)),
	}
	for i, r := range b.Reviews {
		out.Reviews[i] = toReview(r)
	}
	return out
}

func toReview(r service.Review) review {
	return review{ID: r.ID, VoterName: r.VoterName, NumStars: r.NumStars, Comment: nullIfEmpty(r.Comment), CreatedAt: r.CreatedAt.UTC(),
		VerifiedPurchase: r.VerifiedPurchase}
}

func toPage(p listbooks.Page) bookPage {
	out := bookPage{Items: make([]bookSummary, len(p.Items)), NextCursor: nullIfEmpty(p.NextCursor)}
	for i, it := range p.Items {
		out.Items[i] = bookSummary{
			ID:              it.ID,
			Title:           it.Title,
			Authors:         it.Authors,
			PublishedOn:     web.DateOf(it.PublishedOn),
			Price:           web.Money(it.PriceCents),
			ActualPrice:     web.Money(it.ActualPriceCents),
			PromotionalText: nullIfEmpty(it.PromotionalText),
			ReviewsCount:    it.ReviewsCount,
			AverageVotes:    it.AverageVotes,
			Tags:            nonNil(it.Tags),
		}
	}
	return out
}

// handlers answer the books endpoints with the context's services.
type handlers struct {
	books *service.Service
	lists *listbooks.Service
}

// listQuery reads the book list's parameters from q, the API's and the
// catalogue page's alike; what is wrong with them is in q.Err.
func listQuery(q *web.Query) listbooks.Query {
	in := listbooks.Query{
		Sort: q.String("sort"), Votes: q.Int("votes"), Tag: q.String("tag"),
		PageSize: q.Int("pageSize"), Cursor: q.String("cursor"),
	}
	switch year := q.String("year"); {
	case year == listbooks.YearUpcoming:
		in.Upcoming = true
	case year == "" || len(year) == 4:
		in.Year = q.Int("year")
	default:
		q.Bad("year", `must be a year (YYYY) or "upcoming"`)
	}
	return in
}

func (h handlers) listBooks(w http.ResponseWriter, r *http.Request) error {
	q := web.QueryOf(r)
	in := listQuery(q)
	if err := q.Err(); err != nil {
		return err
	}
	page, err := h.lists.List(r.Context(), in)
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, toPage(page))
}

func (h handlers) listDeleted(w http.ResponseWriter, r *http.Request) error {
	q := web.QueryOf(r)
	in := listbooks.DeletedQuery{PageSize: q.Int("pageSize"), Cursor: q.String("cursor")}
	if err := q.Err(); err != nil {
		return err
	}
	page, err := h.lists.ListDeleted(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.Encode(w, http.StatusOK, toPage(page))
}

func (h handlers) tags(w http.ResponseWriter, r *http.Request) error {
	names, err := h.books.Tags(r.Context())
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, nonNil(names))
}

func (h handlers) addBook(w http.ResponseWriter, r *http.Request) error {
	req, err := web.Decode[bookRequest](w, r)
	if err != nil {
		return err
	}
	if err := web.Check(map[string]web.Checked{"publishedOn": req.PublishedOn, "price": req.Price}); err != nil {
		return err
	}
	b, err := h.books.AddBook(r.Context(), web.Caller(r), service.BookInput{
		Title: req.Title, Description: req.Description, PublishedOn: req.PublishedOn.Time, Publisher: req.Publisher,
		PriceCents: req.Price.Cents, ImageURL: req.ImageURL, Authors: req.Authors, Tags: req.Tags,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/books/"+b.ID.String())
	return web.Encode(w, http.StatusCreated, toBook(b))
}

func (h handlers) changePublishedOn(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := web.Decode[publishedOnRequest](w, r)
	if err != nil {
		return err
	}
	if err := web.Check(map[string]web.Checked{"publishedOn": req.PublishedOn}); err != nil {
		return err
	}
	b, err := h.books.ChangePublishedOn(r.Context(), web.Caller(r), id, req.PublishedOn.Time)
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, toBook(b))
}

func (h handlers) setPromotion(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := web.Decode[promotionRequest](w, r)
	if err != nil {
		return err
	}
	if err := web.Check(map[string]web.Checked{"actualPrice": req.ActualPrice}); err != nil {
		return err
	}
	b, err := h.books.SetPromotion(r.Context(), web.Caller(r), id, service.PromotionInput{ActualPriceCents: req.ActualPrice.Cents, Text: req.PromotionalText})
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, toBook(b))
}

func (h handlers) addReview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := web.Decode[reviewRequest](w, r)
	if err != nil {
		return err
	}
	stars, err := wholeStars(req.NumStars)
	if err != nil {
		return err
	}
	rv, err := h.books.AddReview(r.Context(), web.Caller(r), id, service.ReviewInput{NumStars: stars, Comment: req.Comment})
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusCreated, toReview(rv))
}

func (h handlers) getBook(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.books.GetBook(r.Context(), id)
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, toBook(b))
}

// bookResult answers an administrator's request on the book in its path
// with what do returns for it: the book in full (200), or do's error.
// Removing a promotion is this and nothing more.
func bookResult(do func(context.Context, auth.Principal, uuid.UUID) (service.Book, error)) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		b, err := do(r.Context(), web.Caller(r), id)
		if err != nil {
			return err
		}
		return web.Encode(w, http.StatusOK, toBook(b))
	}
}

// bookCommand answers a request on the book in its path with 204 once do
// has done its work on it, or do's error: soft delete and restore.
func bookCommand(do func(context.Context, auth.Principal, uuid.UUID) error) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := do(r.Context(), web.Caller(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// wholeStars returns numStars as an int, or errs.Invalid naming "numStars"
// when it is missing or not a whole number. The range is the domain's to
// check; a number far out of it is passed on as -1, which is out of it too.
func wholeStars(numStars *float64) (int, error) {
	const msg = "must be a whole number from 0 to 5"
	switch {
	case numStars == nil:
		return 0, errs.WithFields(errs.Invalid, map[string]string{"numStars": "is required"})
	case *numStars != math.Trunc(*numStars):
		return 0, errs.WithFields(errs.Invalid, map[string]string{"numStars": msg})
	case math.Abs(*numStars) > 1000:
		return -1, nil
	}
	return int(*numStars), nil
}

// nullIfEmpty is s, or null for "".
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonNil is s, or an empty list (JSON []) for nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
