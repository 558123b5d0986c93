package booksapi

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/app/web"
)

// plainPage and plainBook are the response structs without their AppendJSON
// methods: encoding/json's view of the same fields and tags.
type (
	plainPage bookPage
	plainBook book
)

// encodingJSON is what encoding/json writes for v, with HTML escaping off as
// web.Encode has it.
func encodingJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// sample builds a page of two books and a book in full from the fuzzer's
// values, with every optional field both set and unset somewhere.
func sample(s string, cents int64, votes float64, count int, at int64) (bookPage, book) {
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(s))
	day := dateOf(time.Unix(at, 0).UTC().Truncate(24 * time.Hour))
	summary := bookSummary{
		ID: id, Title: s, Authors: s + ", " + s, PublishedOn: day, Price: web.Money(cents),
		ActualPrice: web.Money(cents / 2), PromotionalText: &s, ReviewsCount: count, AverageVotes: &votes,
		Tags: []string{s, "Programming"},
	}
	page := bookPage{Items: []bookSummary{summary, {ID: uuid.Max, Tags: []string{}}}, NextCursor: &s}
	full := book{
		ID: id, Title: s, Authors: []string{s, "Ines Gallagher"}, PublishedOn: day, Price: web.Money(cents),
		ActualPrice: web.Money(cents), ReviewsCount: count, AverageVotes: &votes, Tags: []string{},
		Description: &s, Publisher: nil, ImageURL: &s,
		Reviews: []review{
			{ID: id, VoterName: s, NumStars: count, Comment: &s, CreatedAt: time.Unix(at, at%1e9).UTC()},
			{ID: uuid.Nil, VoterName: "", NumStars: 0, Comment: nil, CreatedAt: time.Unix(0, 0).UTC()},
		},
	}
	return page, full
}

func checkAppendJSON(t *testing.T, page bookPage, full book) {
	t.Helper()
	if got, want := string(page.AppendJSON(nil)), encodingJSON(t, plainPage(page)); got != want {
		t.Fatalf("bookPage.AppendJSON =\n%s\nencoding/json =\n%s", got, want)
	}
	if got, want := string(full.AppendJSON(nil)), encodingJSON(t, plainBook(full)); got != want {
		t.Fatalf("book.AppendJSON =\n%s\nencoding/json =\n%s", got, want)
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	page, full := sample("Type Systems \"in\" Practice\n\u2028 ünïcode \xff", 7999, 4.571428571428571, 7, 983318400)
	checkAppendJSON(t, page, full)
	checkAppendJSON(t, bookPage{Items: []bookSummary{}}, book{})
	checkAppendJSON(t, bookPage{}, book{Reviews: []review{}})
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("Learning Software Estimation (copy 322)", int64(7799), 4.5, 6, int64(900979200))
	f.Add("", int64(-1), 1e-7, -3, int64(-62135596800))
	f.Fuzz(func(t *testing.T, s string, cents int64, votes float64, count int, at int64) {
		if math.IsNaN(votes) || math.IsInf(votes, 0) {
			t.Skip("an average is always finite; encoding/json refuses NaN and infinities")
		}
		if y := time.Unix(at, 0).UTC().Year(); y < 1 || y > 9999 {
			t.Skip("time.Time's MarshalJSON refuses years outside 1..9999; reviews are written now")
		}
		page, full := sample(s, cents, votes, count, at)
		checkAppendJSON(t, page, full)
	})
}
