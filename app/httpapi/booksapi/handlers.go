package booksapi

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"example.com/bookapp/app/web"
	booksservice "example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/errs"
)

// The JSON of requests and responses, as docs/design/API.md gives it.

type bookRequest struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	PublishedOn date     `json:"publishedOn"`
	Publisher   string   `json:"publisher"`
	Price       money    `json:"price"`
	ImageURL    string   `json:"imageUrl"`
	Authors     []string `json:"authors"`
	Tags        []string `json:"tags"`
}

type publishedOnRequest struct {
	PublishedOn date `json:"publishedOn"`
}

type promotionRequest struct {
	ActualPrice     money  `json:"actualPrice"`
	PromotionalText string `json:"promotionalText"`
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
	PublishedOn     date      `json:"publishedOn"`
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
	PublishedOn     date      `json:"publishedOn"`
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
}

func toBook(b booksservice.BookDTO) book {
	out := book{
		ID:              b.ID,
		Title:           b.Title,
		Authors:         nonNil(b.Authors),
		PublishedOn:     dateOf(b.PublishedOn),
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

func toReview(r booksservice.ReviewDTO) review {
	return review{ID: r.ID, VoterName: r.VoterName, NumStars: r.NumStars, Comment: nullIfEmpty(r.Comment), CreatedAt: r.CreatedAt.UTC()}
}

func toPage(p listbooks.Page) bookPage {
	out := bookPage{Items: make([]bookSummary, len(p.Items)), NextCursor: nullIfEmpty(p.NextCursor)}
	for i, it := range p.Items {
		out.Items[i] = bookSummary{
			ID:              it.ID,
			Title:           it.Title,
			Authors:         it.Authors,
			PublishedOn:     dateOf(it.PublishedOn),
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

func listBooks(lists *listbooks.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, err := lists.List(r.Context(), listbooks.Query{
			Sort: q.Get("sort"), Votes: q.Get("votes"), Year: q.Get("year"), Tag: q.Get("tag"),
			PageSize: q.Get("pageSize"), Cursor: q.Get("cursor"),
		})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toPage(page))
	}
}

func listDeleted(lists *listbooks.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, err := lists.ListDeleted(r.Context(), listbooks.DeletedQuery{PageSize: q.Get("pageSize"), Cursor: q.Get("cursor")})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		web.Respond(w, r, log, http.StatusOK, toPage(page))
	}
}

func tags(svc *booksservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		names, err := svc.Tags(r.Context())
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, nonNil(names))
	}
}

func addBook(svc *booksservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := web.Decode[bookRequest](w, r)
		if err == nil {
			err = checkFields(field{"publishedOn", req.PublishedOn.set, req.PublishedOn.problem},
				field{"price", req.Price.set, req.Price.problem})
		}
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		b, err := svc.AddBook(r.Context(), booksservice.BookInput{
			Title: req.Title, Description: req.Description, PublishedOn: req.PublishedOn.t, Publisher: req.Publisher,
			PriceCents: req.Price.cents, ImageURL: req.ImageURL, Authors: req.Authors, Tags: req.Tags,
		})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.Header().Set("Location", "/api/books/"+b.ID.String())
		web.Respond(w, r, log, http.StatusCreated, toBook(b))
	}
}

func changePublishedOn(svc *booksservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := bookID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		req, err := web.Decode[publishedOnRequest](w, r)
		if err == nil {
			err = checkFields(field{"publishedOn", req.PublishedOn.set, req.PublishedOn.problem})
		}
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		b, err := svc.ChangePublishedOn(r.Context(), id, req.PublishedOn.t)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toBook(b))
	}
}

func setPromotion(svc *booksservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := bookID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		req, err := web.Decode[promotionRequest](w, r)
		if err == nil {
			err = checkFields(field{"actualPrice", req.ActualPrice.set, req.ActualPrice.problem})
		}
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		b, err := svc.SetPromotion(r.Context(), id, booksservice.PromotionInput{ActualPriceCents: req.ActualPrice.cents, Text: req.PromotionalText})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toBook(b))
	}
}

func addReview(svc *booksservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := bookID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		req, err := web.Decode[reviewRequest](w, r)
		var stars int
		if err == nil {
			stars, err = wholeStars(req.NumStars)
		}
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		rv, err := svc.AddReview(r.Context(), id, booksservice.ReviewInput{NumStars: stars, Comment: req.Comment})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusCreated, toReview(rv))
	}
}

// bookResult answers a request on the book in its path with what do
// returns for it: the book in full (200), or do's error. getBook and the
// removal of a promotion are this and nothing more.
func bookResult(do func(context.Context, uuid.UUID) (booksservice.BookDTO, error), log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := bookID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		b, err := do(r.Context(), id)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toBook(b))
	}
}

// bookCommand answers a request on the book in its path with 204 once do
// has done its work on it, or do's error: soft delete and restore.
func bookCommand(do func(context.Context, uuid.UUID) error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := bookID(r)
		if err == nil {
			err = do(r.Context(), id)
		}
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// bookID returns the book id in r's path, or errs.Invalid naming "id" when
// it is not a UUID in its canonical 36-character form.
func bookID(r *http.Request) (uuid.UUID, error) {
	s := chi.URLParam(r, "id")
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, errs.WithFields(errs.Invalid, map[string]string{
			"id": "must be a UUID such as 01890a5d-ac96-774b-bcce-b302099a8057"})
	}
	return id, nil
}

// A field is a decoded money or date value of a request: whether it was
// there, and what is wrong with it.
type field struct {
	path    string
	set     bool
	problem string
}

// checkFields returns one errs.Invalid naming every field that is missing
// or malformed, or nil.
func checkFields(fields ...field) error {
	bad := map[string]string{}
	for _, f := range fields {
		switch {
		case !f.set:
			bad[f.path] = "is required"
		case f.problem != "":
			bad[f.path] = f.problem
		}
	}
	if len(bad) > 0 {
		return errs.WithFields(errs.Invalid, bad)
	}
	return nil
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
