package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestNewReview(t *testing.T) {
	t.Parallel()
	bookID, voterID := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	r, err := domain.NewReview(bookID, voterID, " Ann Reader ", 4, "  Clear.\n\nRecommended. ", now)
	if err != nil {
		t.Fatalf("NewReview: %v", err)
	}
	got := []any{r.BookID(), r.VoterID(), r.VoterName(), r.NumStars(), r.Comment(), r.CreatedAt()}
	want := []any{bookID, voterID, "Ann Reader", 4, "Clear.\n\nRecommended.", now.UTC().Truncate(time.Microsecond)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("review (-want +got):\n%s", diff)
	}
	if r.ID().Version() != 7 {
		t.Errorf("ID() is a version %d UUID, want 7", r.ID().Version())
	}
	restored := domain.RestoreReview(domain.StoredReview{ID: r.ID(), BookID: bookID, VoterID: voterID,
		VoterName: "Ann Reader", NumStars: 4, Comment: "Clear.\n\nRecommended.", CreatedAt: r.CreatedAt()})
	if restored != r {
		t.Errorf("RestoreReview = %+v, want %+v", restored, r)
	}
}

func TestNewReviewValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		voter   string
		stars   int
		comment string
		want    map[string]string // nil: valid
	}{
		{name: "no stars, no comment", voter: "Ann", stars: 0},
		{name: "five stars", voter: "Ann", stars: 5},
		{name: "comment of 2000 characters", voter: "Ann", stars: 3, comment: strings.Repeat("€", 2000)},
		{name: "voter name of 100 characters", voter: strings.Repeat("n", 100), stars: 3},
		{name: "negative stars", voter: "Ann", stars: -1, want: map[string]string{"numStars": "must be from 0 to 5"}},
		{name: "six stars", voter: "Ann", stars: 6, want: map[string]string{"numStars": "must be from 0 to 5"}},
		{name: "comment too long", voter: "Ann", stars: 3, comment: strings.Repeat("c", 2001),
			want: map[string]string{"comment": "must be at most 2000 characters"}},
		{name: "comment with NUL", voter: "Ann", stars: 3, comment: "a\x00",
			want: map[string]string{"comment": "must not contain control characters"}},
		{name: "no voter name", voter: "", stars: 3, want: map[string]string{"voterName": "is required"}},
		{name: "all at fault", voter: " ", stars: 9, comment: strings.Repeat("c", 2001), want: map[string]string{
			"voterName": "is required", "numStars": "must be from 0 to 5", "comment": "must be at most 2000 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := domain.NewReview(uuid.Must(uuid.NewV7()), uuid.Nil, tt.voter, tt.stars, tt.comment, now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewReview = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("NewReview error = %v, want errs.Invalid", err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
}
