package listbooks

import (
	"math"
	"testing"
	"time"

	"example.com/bookapp/books/persistence/listbooks"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// cursorSamples are cursors of every kind, used as round-trip cases and as
// the fuzz target's seed corpus.
func cursorSamples() []cursor {
	id := uuid.MustParse("0195d0c8-7c7e-7b1a-9f5e-3c2d1e0f4a5b")
	return []cursor{
		{list: listPublic, params: params{sort: listbooks.ByNewest}, after: listbooks.Key{ID: id, CreatedAt: time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)}},
		{list: listPublic, params: params{sort: listbooks.ByVotes, votes: 4, tag: "Go"}, after: listbooks.Key{ID: id, Votes: 4.333333333333333}},
		{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{ID: id, Votes: -1}},
		{list: listPublic, params: params{sort: listbooks.ByPublished, year: 2021}, after: listbooks.Key{ID: id, PublishedOn: time.Date(2021, 7, 15, 0, 0, 0, 0, time.UTC)}},
		{list: listPublic, params: params{sort: listbooks.ByPublished, year: yearUpcoming}, after: listbooks.Key{ID: id, PublishedOn: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{list: listPublic, params: params{sort: listbooks.ByPrice, tag: "Domain-Driven Design — Ünïcode"}, after: listbooks.Key{ID: id, PriceCents: 1999}},
		{list: listPublic, params: params{sort: listbooks.ByPriceDesc, votes: 1, year: 9999}, after: listbooks.Key{ID: id, PriceCents: 0}},
		{list: listDeleted, after: listbooks.Key{ID: id, DeletedAt: time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)}},
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range cursorSamples() {
		s := c.encode()
		got, err := decodeCursor(s)
		if err != nil {
			t.Errorf("decode(encode(%+v)) = %v", c, err)
			continue
		}
		if diff := cmp.Diff(c, got, cmp.AllowUnexported(cursor{}, params{})); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

func TestDecodeCursorRefuses(t *testing.T) {
	valid := cursor{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{Votes: 3}}.appendBinary(nil)
	mutate := func(f func(b []byte) []byte) string {
		return cursorEncoding.EncodeToString(f(append([]byte(nil), valid...)))
	}
	nanVotes := cursor{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{Votes: math.NaN()}}
	tests := map[string]string{
		"empty":              "",
		"not base64url":      "AQE+",
		"padded":             cursorEncoding.EncodeToString(valid) + "==",
		"too long":           string(make([]byte, 2000)),
		"other version":      mutate(func(b []byte) []byte { b[0] = 2; return b }),
		"unknown list":       mutate(func(b []byte) []byte { b[1] = 9; return b }),
		"unknown sort":       mutate(func(b []byte) []byte { b[2] = 5; return b }),
		"votes filter 5":     mutate(func(b []byte) []byte { b[3] = 5; return b }),
		"year 10000":         mutate(func(b []byte) []byte { b[4], b[5] = 0x27, 0x10; return b }),
		"truncated":          mutate(func(b []byte) []byte { return b[:len(b)-1] }),
		"trailing byte":      mutate(func(b []byte) []byte { return append(b, 0) }),
		"tag past the end":   mutate(func(b []byte) []byte { b[6] = 100; return b }),
		"non-minimal varint": mutate(func(b []byte) []byte { return append(b[:6:6], append([]byte{0x80, 0x00}, b[7:]...)...) }),
		"votes NaN":          nanVotes.encode(),
		"votes 6":            cursor{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{Votes: 6}}.encode(),
		"negative price":     cursor{list: listPublic, params: params{sort: listbooks.ByPrice}, after: listbooks.Key{PriceCents: -5}}.encode(),
		"year 0 date":        cursor{list: listPublic, params: params{sort: listbooks.ByPublished}, after: listbooks.Key{PublishedOn: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}}.encode(),
		"deleted in 10000":   cursor{list: listDeleted, after: listbooks.Key{DeletedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}.encode(),
		"created in year 0":  cursor{list: listPublic, after: listbooks.Key{CreatedAt: time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)}}.encode(),
		"tag with control":   cursor{list: listPublic, params: params{tag: "a\x00"}}.encode(),
		"tag not UTF-8":      cursor{list: listPublic, params: params{tag: "\xff"}}.encode(),
	}
	for name, s := range tests {
		if c, err := decodeCursor(s); err == nil {
			t.Errorf("%s: decodeCursor(%q) = %+v, want an error", name, s, c)
		}
	}
}

// FuzzDecodeCursor feeds arbitrary strings to the decoder: it must never
// panic, and whatever it accepts must be a cursor whose every value a query
// can use, and whose encoding is exactly the input (so no two strings mean
// the same cursor). Its seed corpus runs with every go test.
func FuzzDecodeCursor(f *testing.F) {
	for _, c := range cursorSamples() {
		f.Add(c.encode())
	}
	f.Add("")
	f.Add("AQ")
	f.Add("AQEBAAAAAA")
	f.Add("////")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err != nil {
			return
		}
		if got := c.encode(); got != s {
			t.Fatalf("decodeCursor(%q) = %+v, which encodes as %q", s, c, got)
		}
		switch c.list {
		case listPublic:
			p := c.params
			if !p.sort.Valid() || p.votes < 0 || p.votes > 4 || p.year < 0 || (p.year > 9999 && p.year != yearUpcoming) || (p.tag != "" && validTag(p.tag) != "") {
				t.Fatalf("decodeCursor(%q) accepted params %+v", s, p)
			}
			k := c.after
			if v := k.Votes; math.IsNaN(v) || (v != -1 && (v < 0 || v > 5)) || k.PriceCents < 0 ||
				(p.sort == listbooks.ByNewest && (k.CreatedAt.Before(minTime) || k.CreatedAt.After(maxTime))) ||
				(!k.PublishedOn.IsZero() && (k.PublishedOn.Before(minTime) || k.PublishedOn.After(maxTime))) {
				t.Fatalf("decodeCursor(%q) accepted key %+v", s, k)
			}
		case listDeleted:
			if d := c.after.DeletedAt; d.Before(minTime) || d.After(maxTime) {
				t.Fatalf("decodeCursor(%q) accepted deletion time %v", s, d)
			}
		default:
			t.Fatalf("decodeCursor(%q) accepted list %d", s, c.list)
		}
	})
}
