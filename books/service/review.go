package service

import (
	"context"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/auth"
	"github.com/google/uuid"
)

// ReviewInput is a review as its author sends it; Comment is optional.
type ReviewInput struct {
	NumStars int
	Comment  string
}

// AddReview adds the signed-in caller's review of book bookID, signed with
// their account name, and returns it. It returns errs.Invalid naming
// "numStars" (not 0..5) or "comment" (over 2000 characters), ErrBookNotFound
// (also for a soft-deleted book), or auth.ErrSignIn for an anonymous caller.
func (s *Service) AddReview(ctx context.Context, p auth.Principal, bookID uuid.UUID, in ReviewInput) (Review, error) {
	if err := auth.RequireSignedIn(p); err != nil {
		return Review{}, err
	}
	r, err := domain.NewReview(bookID, p.UserID, p.Name, in.NumStars, in.Comment, s.now())
	if err != nil {
		return Review{}, err
	}
	stored, err := s.store.AddReview(ctx, r)
	if err != nil {
		return Review{}, err
	}
	return toReview(stored), nil
}
