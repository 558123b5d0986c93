package domain

import (
	"fmt"
	"time"

	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// The limits of a review, as the API documents them.
const (
	MaxStars         = 5
	MaxCommentLen    = 2000
	MaxVoterNameLen  = 100
	NewestReviewsLen = 20 // how many reviews a book's detail shows, newest first
)

// A Review is one reader's verdict on a book: 0 to MaxStars stars and an
// optional comment, signed with the reader's account name as it was when
// they wrote it.
type Review struct {
	id        uuid.UUID
	bookID    uuid.UUID
	voterID   uuid.UUID // the account in the users context; uuid.Nil for generated demo reviews
	voterName string
	numStars  int
	comment   string
	createdAt time.Time
	// verifiedPurchase: the reviewer had bought the book, in an order not
	// cancelled, when the review was read (a fact books learns from the
	// orders context's events, not part of what the reviewer wrote).
	verifiedPurchase bool
}

// NewReview returns a new review of book bookID by account voterID, named
// voterName, with a fresh UUIDv7 id. It returns one errs.Invalid error naming
// every field at fault ("numStars", "comment", "voterName"). The comment is
// trimmed and may have line breaks.
func NewReview(bookID, voterID uuid.UUID, voterName string, numStars int, comment string, now time.Time) (Review, error) {
	f := errs.Fields{}
	r := Review{
		bookID:    bookID,
		voterID:   voterID,
		voterName: f.Line("voterName", voterName, true, MaxVoterNameLen),
		numStars:  numStars,
		comment:   f.Paragraphs("comment", comment, MaxCommentLen),
		createdAt: storageTime(now),
	}
	f.Check("numStars", numStars < 0 || numStars > MaxStars, fmt.Sprintf("must be from 0 to %d", MaxStars))
	if err := f.Err(errs.Invalid); err != nil {
		return Review{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Review{}, fmt.Errorf("new review id: %w", err)
	}
	r.id = id
	return r, nil
}

// StoredReview is a review as the persistence layer reads it back.
type StoredReview struct {
	ID        uuid.UUID
	BookID    uuid.UUID
	VoterID   uuid.UUID // uuid.Nil for a generated demo review
	VoterName string
	NumStars  int
	Comment   string
	CreatedAt time.Time
	// VerifiedPurchase: the reviewer has bought the book (books.purchases).
	VerifiedPurchase bool
}

// RestoreReview rebuilds a Review from a stored row, which was valid when it
// was written; it checks nothing. Only the persistence layer should call it.
func RestoreReview(s StoredReview) Review {
	return Review{id: s.ID, bookID: s.BookID, voterID: s.VoterID, voterName: s.VoterName,
		numStars: s.NumStars, comment: s.Comment, createdAt: s.CreatedAt.UTC(), verifiedPurchase: s.VerifiedPurchase}
}

// ID returns the review's id.
func (r Review) ID() uuid.UUID { return r.id }

// BookID returns the id of the book reviewed.
func (r Review) BookID() uuid.UUID { return r.bookID }

// VoterID returns the id of the reviewer's account, or uuid.Nil for a
// generated demo review.
func (r Review) VoterID() uuid.UUID { return r.voterID }

// VoterName returns the reviewer's account name when the review was written.
func (r Review) VoterName() string { return r.voterName }

// NumStars returns the review's stars, 0 to MaxStars.
func (r Review) NumStars() int { return r.numStars }

// Comment returns the review's comment ("" when there is none).
func (r Review) Comment() string { return r.comment }

// CreatedAt returns when the review was written.
func (r Review) CreatedAt() time.Time { return r.createdAt }

// VerifiedPurchase reports whether the reviewer had bought the book, in an
// order not cancelled, when the review was read or stored.
func (r Review) VerifiedPurchase() bool { return r.verifiedPurchase }

// WithVerifiedPurchase returns r as read with the purchase fact v.
func (r Review) WithVerifiedPurchase(v bool) Review {
	r.verifiedPurchase = v
	return r
}
