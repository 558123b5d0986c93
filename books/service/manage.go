package service

import (
	"context"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/shared/auth"
	"github.com/google/uuid"
)

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

// AddBook adds a book to the catalogue and returns its detail. It returns
// errs.Invalid naming the fields at fault by their JSON paths ("title",
// "authors[2]", "price", "imageUrl", ...). Administrators only.
func (s *Service) AddBook(ctx context.Context, p auth.Principal, in BookInput) (Book, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return Book{}, err
	}
	b, err := domain.NewBook(domain.BookInput{
		Title: in.Title, Description: in.Description, PublishedOn: in.PublishedOn, Publisher: in.Publisher,
		PriceCents: in.PriceCents, ImageURL: in.ImageURL, Authors: in.Authors, Tags: in.Tags,
	}, s.now())
	if err != nil {
		return Book{}, err
	}
	if err := s.store.AddBook(ctx, b); err != nil {
		return Book{}, err
	}
	return toBook(b, nil), nil
}

// ChangePublishedOn moves book id's publication to day and returns its
// detail. It returns errs.Invalid naming "publishedOn", or ErrBookNotFound
// (also for a soft-deleted book). Administrators only.
func (s *Service) ChangePublishedOn(ctx context.Context, p auth.Principal, id uuid.UUID, day time.Time) (Book, error) {
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
func (s *Service) SetPromotion(ctx context.Context, p auth.Principal, id uuid.UUID, in PromotionInput) (Book, error) {
	return s.update(ctx, p, id, func(b *domain.Book) error { return b.SetPromotion(in.ActualPriceCents, in.Text) })
}

// RemovePromotion ends book id's promotion, if it has one, and returns its
// detail; or ErrBookNotFound. Administrators only.
func (s *Service) RemovePromotion(ctx context.Context, p auth.Principal, id uuid.UUID) (Book, error) {
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

// update checks that the caller is an administrator, applies change to book
// id under the store's row lock, and returns the book's detail as it is then.
func (s *Service) update(ctx context.Context, p auth.Principal, id uuid.UUID, change func(*domain.Book) error) (Book, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return Book{}, err
	}
	if err := s.store.Update(ctx, id, change); err != nil {
		return Book{}, err
	}
	return s.GetBook(ctx, id)
}

// CheckCache recomputes every book's cached columns (author and tag names,
// review counters, actual price, and their copies on the tag rows) and
// reports what disagrees; with fix it also repairs it, without losing a
// review written meanwhile. Administrators only: it reads the whole
// catalogue.
func (s *Service) CheckCache(ctx context.Context, p auth.Principal, fix bool) (cachecheck.Report, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return cachecheck.Report{}, err
	}
	return s.checkCache(ctx, fix)
}
