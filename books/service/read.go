package service

import (
	"context"
	"time"

	"example.com/bookapp/books/domain"
	"github.com/google/uuid"
)

// Book is a book's detail as clients see it.
type Book struct {
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
	AverageVotes     *float64 // nil without reviews
	Reviews          []Review // the newest, newest first (domain.NewestReviewsLen at most)
}

// Review is a review as clients see it.
type Review struct {
	ID        uuid.UUID
	VoterName string
	NumStars  int
	Comment   string
	CreatedAt time.Time // UTC
	// VerifiedPurchase: the reviewer had bought the book, in an order not
	// cancelled.
	VerifiedPurchase bool
}

// GetBook returns book id's detail, or ErrBookNotFound when there is none or
// it is soft-deleted. Anyone may call it.
func (s *Service) GetBook(ctx context.Context, id uuid.UUID) (Book, error) {
	b, reviews, err := s.store.Book(ctx, id)
	if err != nil {
		return Book{}, err
	}
	return toBook(b, reviews), nil
}

// Tags returns the name of every tag in the catalogue, sorted in byte order.
// Anyone may call it.
func (s *Service) Tags(ctx context.Context) ([]string, error) {
	return s.store.Tags(ctx)
}

// Choices are the catalogue's filter choices: every tag, in byte order, and
// the years in which the catalogue's books were published, newest first.
type Choices struct {
	Tags  []string
	Years []int
}

// Choices returns the filter choices, read in one round trip. Anyone may
// call it.
func (s *Service) Choices(ctx context.Context) (Choices, error) {
	tags, years, err := s.store.Choices(ctx)
	return Choices{Tags: tags, Years: years}, err
}

func toBook(b *domain.Book, reviews []domain.Review) Book {
	dto := Book{
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
		Reviews:          make([]Review, len(reviews)),
	}
	if p, ok := b.Promotion(); ok {
		dto.PromotionalText = p.Text
	}
	if avg, ok := b.AverageVotes(); ok {
		dto.AverageVotes = &avg
	}
	for i, r := range reviews {
		dto.Reviews[i] = toReview(r)
	}
	return dto
}

func toReview(r domain.Review) Review {
	return Review{ID: r.ID(), VoterName: r.VoterName(), NumStars: r.NumStars(), Comment: r.Comment(), CreatedAt: r.CreatedAt(),
		VerifiedPurchase: r.VerifiedPurchase()}
}
