package service

import (
	"context"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/auth"
	"github.com/google/uuid"
)

// The errors the service returns beyond field validation (errs.Invalid) and
// broken rules (errs.RuleBroken); each wraps an errs kind, which is what the
// app maps to a status.
var (
	ErrBookNotFound = domain.ErrBookNotFound // errs.NotFound (404), also for a soft-deleted book
)

// A Store keeps books and their reviews; *persistence.Store is the one the
// module uses.
type Store interface {
	AddBook(ctx context.Context, b *domain.Book) error
	Book(ctx context.Context, id uuid.UUID) (*domain.Book, []domain.Review, error)
	Update(ctx context.Context, id uuid.UUID, change func(*domain.Book) error) error
	AddReview(ctx context.Context, r domain.Review) error
	Tags(ctx context.Context) ([]string, error)
}

// Service is the books context's use cases but the book lists (see
// service/listbooks). A use case that depends on its caller takes it as a
// parameter, p: the administrator's use cases refuse anyone else with
// auth.ErrAdminsOnly (auth.ErrSignIn for an anonymous caller; the HTTP
// routes refuse them first, this is the second lock on the door), and
// AddReview signs the review with the caller's name.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service over store that reads the time from now (nil means
// time.Now).
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// BookInput is a new book as an administrator sends it. Description,
// Publisher, ImageURL and Tags are optional.
type BookInput struct {
	Title       string
	Description string
	PublishedOn time.Time // the day; the time of day is ignored
	Publisher   string
	PriceCents  int64
	ImageURL    string
	Authors     []string
	Tags        []string
}

// BookDTO is a book's detail as clients see it.
type BookDTO struct {
	ID               uuid.UUID
	Title            string
	Description      string
	PublishedOn      time.Time // midnight UTC
	Publisher        string
	PriceCents       int64
	ActualPriceCents int64  // what a customer pays now
	PromotionalText  string // "" when the book is not on promotion
	ImageURL         string
	Authors          []string // in order
	Tags             []string // sorted
	ReviewsCount     int
	AverageVotes     *float64    // nil without reviews
	Reviews          []ReviewDTO // the newest, newest first (domain.NewestReviewsLen at most)
}

// ReviewDTO is a review as clients see it.
type ReviewDTO struct {
	ID        uuid.UUID
	VoterName string
	NumStars  int
	Comment   string
	CreatedAt time.Time // UTC
}

// GetBook returns book id's detail, or ErrBookNotFound when there is none or
// it is soft-deleted. Anyone may call it.
func (s *Service) GetBook(ctx context.Context, id uuid.UUID) (BookDTO, error) {
	b, reviews, err := s.store.Book(ctx, id)
	if err != nil {
		return BookDTO{}, err
	}
	return toBookDTO(b, reviews), nil
}

// Tags returns the name of every tag in the catalogue, sorted in byte order.
// Anyone may call it.
func (s *Service) Tags(ctx context.Context) ([]string, error) {
	return s.store.Tags(ctx)
}

// AddBook adds a book to the catalogue and returns its detail. It returns
// errs.Invalid naming the fields at fault by their JSON paths ("title",
// "authors[2]", "price", "imageUrl", ...). Administrators only.
func (s *Service) AddBook(ctx context.Context, p auth.Principal, in BookInput) (BookDTO, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return BookDTO{}, err
	}
	b, err := domain.NewBook(domain.BookInput{
		Title: in.Title, Description: in.Description, PublishedOn: in.PublishedOn, Publisher: in.Publisher,
		PriceCents: in.PriceCents, ImageURL: in.ImageURL, Authors: in.Authors, Tags: in.Tags,
	}, s.now())
	if err != nil {
		return BookDTO{}, err
	}
	if err := s.store.AddBook(ctx, b); err != nil {
		return BookDTO{}, err
	}
	return toBookDTO(b, nil), nil
}

// ChangePublishedOn moves book id's publication to day and returns its
// detail. It returns errs.Invalid naming "publishedOn", or ErrBookNotFound
// (also for a soft-deleted book). Administrators only.
func (s *Service) ChangePublishedOn(ctx context.Context, p auth.Principal, id uuid.UUID, day time.Time) (BookDTO, error) {
	return s.update(ctx, p, id, func(b *domain.Book) error { return b.ChangePublishedOn(day) })
}

// PromotionInput is a promotion as an administrator sends it.
type PromotionInput struct {
	ActualPriceCents int64
	Text             string
}

// SetPromotion puts book id on promotion, replacing any it had, and returns
// its detail. It returns errs.Invalid naming "promotionalText" (empty or
// over 200 characters) or "actualPrice" (negative), errs.RuleBroken naming
// "actualPrice" when it is not below the book's price, or ErrBookNotFound.
// Administrators only.
func (s *Service) SetPromotion(ctx context.Context, p auth.Principal, id uuid.UUID, in PromotionInput) (BookDTO, error) {
	return s.update(ctx, p, id, func(b *domain.Book) error { return b.SetPromotion(in.ActualPriceCents, in.Text) })
}

// RemovePromotion ends book id's promotion, if it has one, and returns its
// detail; or ErrBookNotFound. Administrators only.
func (s *Service) RemovePromotion(ctx context.Context, p auth.Principal, id uuid.UUID) (BookDTO, error) {
	return s.update(ctx, p, id, (*domain.Book).RemovePromotion)
}

// SoftDelete hides book id from every public read; it stays for the
// administrators, who may Restore it. Deleting a deleted book is not an
// error. It returns ErrBookNotFound for an unknown id. Administrators only.
func (s *Service) SoftDelete(ctx context.Context, p auth.Principal, id uuid.UUID) error {
	if err := auth.RequireAdmin(p); err != nil {
		return err
	}
	now := s.now()
	return s.store.Update(ctx, id, func(b *domain.Book) error { b.SoftDelete(now); return nil })
}

// Restore undoes SoftDelete; restoring a book that is not deleted is not an
// error. It returns ErrBookNotFound for an unknown id. Administrators only.
func (s *Service) Restore(ctx context.Context, p auth.Principal, id uuid.UUID) error {
	if err := auth.RequireAdmin(p); err != nil {
		return err
	}
	return s.store.Update(ctx, id, func(b *domain.Book) error { b.Restore(); return nil })
}

// ReviewInput is a review as its author sends it; Comment is optional.
type ReviewInput struct {
	NumStars int
	Comment  string
}

// AddReview adds the signed-in caller's review of book bookID, signed with
// their account name, and returns it. It returns errs.Invalid naming
// "numStars" (not 0..5) or "comment" (over 2000 characters), ErrBookNotFound
// (also for a soft-deleted book), or auth.ErrSignIn for an anonymous caller.
func (s *Service) AddReview(ctx context.Context, p auth.Principal, bookID uuid.UUID, in ReviewInput) (ReviewDTO, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return ReviewDTO{}, err
	}
	r, err := domain.NewReview(bookID, p.UserID, p.Name, in.NumStars, in.Comment, s.now())
	if err != nil {
		return ReviewDTO{}, err
	}
	if err := s.store.AddReview(ctx, r); err != nil {
		return ReviewDTO{}, err
	}
	return toReviewDTO(r), nil
}

// update checks that the caller is an administrator, applies change to book
// id under the store's row lock, and returns the book's detail as it is then.
func (s *Service) update(ctx context.Context, p auth.Principal, id uuid.UUID, change func(*domain.Book) error) (BookDTO, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return BookDTO{}, err
	}
	if err := s.store.Update(ctx, id, change); err != nil {
		return BookDTO{}, err
	}
	return s.GetBook(ctx, id)
}

func toBookDTO(b *domain.Book, reviews []domain.Review) BookDTO {
	dto := BookDTO{
		ID:               b.ID(),
		Title:            b.Title(),
		Description:      b.Description(),
		PublishedOn:      b.PublishedOn(),
		Publisher:        b.Publisher(),
		PriceCents:       b.PriceCents(),
		ActualPriceCents: b.ActualPriceCents(),
		ImageURL:         b.ImageURL(),
		Authors:          b.Authors(),
		Tags:             b.Tags(),
		ReviewsCount:     b.ReviewsCount(),
		Reviews:          make([]ReviewDTO, len(reviews)),
	}
	if p, ok := b.Promotion(); ok {
		dto.PromotionalText = p.Text
	}
	if avg, ok := b.AverageVotes(); ok {
		dto.AverageVotes = &avg
	}
	for i, r := range reviews {
		dto.Reviews[i] = toReviewDTO(r)
	}
	return dto
}

func toReviewDTO(r domain.Review) ReviewDTO {
	return ReviewDTO{ID: r.ID(), VoterName: r.VoterName(), NumStars: r.NumStars(), Comment: r.Comment(), CreatedAt: r.CreatedAt()}
}
