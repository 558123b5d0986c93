package booksapi

import (
	"strconv"

	"example.com/bookapp/app/web"
)

// The list page and the book detail write their own JSON (web.Appender):
// they are the catalogue's most frequent responses, and a page of 100 books
// through encoding/json cost about a third of the request's CPU. Each
// AppendJSON writes what encoding/json writes for the same struct, tags and
// all; append_test.go compares the two on generated values, so a field
// added to a struct and not here fails the tests.

// AppendJSON appends the page as JSON.
func (p bookPage) AppendJSON(b []byte) []byte {
	b = append(b, `{"items":`...)
	if p.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = p.Items[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"nextCursor":`...)
	b = web.AppendNullableString(b, p.NextCursor)
	return append(b, '}')
}

func (s *bookSummary) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = web.AppendUUID(b, s.ID)
	b = append(b, `,"title":`...)
	b = web.AppendString(b, s.Title)
	b = append(b, `,"authors":`...)
	b = web.AppendString(b, s.Authors)
	b = append(b, `,"publishedOn":`...)
	b = s.PublishedOn.appendJSON(b)
	b = append(b, `,"price":`...)
	b = s.Price.AppendJSON(b)
	b = append(b, `,"actualPrice":`...)
	b = s.ActualPrice.AppendJSON(b)
	b = append(b, `,"promotionalText":`...)
	b = web.AppendNullableString(b, s.PromotionalText)
	b = append(b, `,"reviewsCount":`...)
	b = strconv.AppendInt(b, int64(s.ReviewsCount), 10)
	b = append(b, `,"averageVotes":`...)
	b = appendNullableFloat(b, s.AverageVotes)
	b = append(b, `,"tags":`...)
	b = web.AppendStrings(b, s.Tags)
	return append(b, '}')
}

// AppendJSON appends the book as JSON.
func (bk book) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = web.AppendUUID(b, bk.ID)
	b = append(b, `,"title":`...)
	b = web.AppendString(b, bk.Title)
	b = append(b, `,"authors":`...)
	b = web.AppendStrings(b, bk.Authors)
	b = append(b, `,"publishedOn":`...)
	b = bk.PublishedOn.appendJSON(b)
	b = append(b, `,"price":`...)
	b = bk.Price.AppendJSON(b)
	b = append(b, `,"actualPrice":`...)
	b = bk.ActualPrice.AppendJSON(b)
	b = append(b, `,"promotionalText":`...)
	b = web.AppendNullableString(b, bk.PromotionalText)
	b = append(b, `,"reviewsCount":`...)
	b = strconv.AppendInt(b, int64(bk.ReviewsCount), 10)
	b = append(b, `,"averageVotes":`...)
	b = appendNullableFloat(b, bk.AverageVotes)
	b = append(b, `,"tags":`...)
	b = web.AppendStrings(b, bk.Tags)
	b = append(b, `,"description":`...)
	b = web.AppendNullableString(b, bk.Description)
	b = append(b, `,"publisher":`...)
	b = web.AppendNullableString(b, bk.Publisher)
	b = append(b, `,"imageUrl":`...)
	b = web.AppendNullableString(b, bk.ImageURL)
	b = append(b, `,"reviews":`...)
	if bk.Reviews == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range bk.Reviews {
			if i > 0 {
				b = append(b, ',')
			}
			b = bk.Reviews[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (r *review) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = web.AppendUUID(b, r.ID)
	b = append(b, `,"voterName":`...)
	b = web.AppendString(b, r.VoterName)
	b = append(b, `,"numStars":`...)
	b = strconv.AppendInt(b, int64(r.NumStars), 10)
	b = append(b, `,"comment":`...)
	b = web.AppendNullableString(b, r.Comment)
	b = append(b, `,"createdAt":`...)
	b = web.AppendTime(b, r.CreatedAt)
	return append(b, '}')
}

func appendNullableFloat(b []byte, f *float64) []byte {
	if f == nil {
		return append(b, "null"...)
	}
	return web.AppendFloat(b, *f)
}
