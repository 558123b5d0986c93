package listbooks

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/books/persistence/listbooks"
	"example.com/bookapp/shared/keyset"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

var raw64 = base64.RawURLEncoding

// sealed is the token of record, decoded: the record and its checksum.
func sealed(record []byte) []byte {
	b, err := raw64.DecodeString(keyset.Seal(record))
	if err != nil {
		panic(err)
	}
	return b
}

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
		{list: listPublic, params: params{sort: listbooks.ByBestsellers, tag: "Go", year: 2021}, after: listbooks.Key{ID: id, CopiesSold: 2147483647}},
		{list: listPublic, params: params{sort: listbooks.ByBestsellers, year: yearUpcoming}, after: listbooks.Key{ID: id, CopiesSold: 0}},
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

// TestDecodeCursorRefuses holds the parser to its ranges: most cases edit a
// record and seal it again with a correct checksum, as a client who read
// this package could, so the parser itself must refuse them.
func TestDecodeCursorRefuses(t *testing.T) {
	valid := cursor{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{Votes: 3}}.appendBinary(nil)
	mutate := func(f func(b []byte) []byte) string {
		return keyset.Seal(f(append([]byte(nil), valid...)))
	}
	nanVotes := cursor{list: listPublic, params: params{sort: listbooks.ByVotes}, after: listbooks.Key{Votes: math.NaN()}}
	tests := map[string]string{
		"empty":              "",
		"only a checksum":    keyset.Seal(nil),
		"not base64url":      "AQE+",
		"padded":             keyset.Seal(valid) + "==",
		"too long":           string(make([]byte, 2000)),
		"no checksum":        raw64.EncodeToString(valid),
		"checksum cut short": raw64.EncodeToString(sealed(valid)[:len(valid)+3]),
		"version 1 record":   raw64.EncodeToString(append([]byte{1}, valid[1:]...)),
		"version 1 sealed":   mutate(func(b []byte) []byte { b[0] = 1; return b }),
		"version 3":          mutate(func(b []byte) []byte { b[0] = 3; return b }),
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
		if c, err := decodeCursor(s); err != keyset.ErrBadCursor {
			t.Errorf("%s: decodeCursor(%q) = %+v, %v; want keyset.ErrBadCursor", name, s, c, err)
		}
	}
}

// TestDecodeCursorRefusesEveryBitFlip edits a valid cursor's bytes as a
// client might, one bit at a time, and wants every edit refused with the
// error a malformed cursor gets, not read as another position.
func TestDecodeCursorRefusesEveryBitFlip(t *testing.T) {
	for _, c := range cursorSamples() {
		raw, err := raw64.DecodeString(c.encode())
		if err != nil {
			t.Fatalf("encode(%+v) is not base64url: %v", c, err)
		}
		for i := range raw {
			for bit := range 8 {
				b := append([]byte(nil), raw...)
				b[i] ^= 1 << bit
				s := raw64.EncodeToString(b)
				if got, err := decodeCursor(s); err != keyset.ErrBadCursor {
					t.Errorf("cursor %+v with bit %d of byte %d flipped: decodeCursor(%q) = %+v, %v; want keyset.ErrBadCursor", c, bit, i, s, got, err)
				}
			}
		}
	}
}

// TestDecodeCursorRefusesNonCanonicalBase64 wants only the one string encode
// makes: not padding, line breaks, the standard alphabet, or a last
// character whose unused low bits are set (which the lenient decoder
// ignores).
func TestDecodeCursorRefusesNonCanonicalBase64(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, c := range cursorSamples() {
		s := c.encode()
		if _, err := decodeCursor(s); err != nil {
			t.Fatalf("decodeCursor(encode(%+v)) = %v", c, err)
		}
		tests := map[string]string{
			"padded":            s + strings.Repeat("=", (4-len(s)%4)%4),
			"line break inside": s[:4] + "\n" + s[4:],
			"carriage return":   s[:4] + "\r" + s[4:],
			"line break at end": s + "\n",
			"standard alphabet": strings.NewReplacer("-", "+", "_", "/").Replace(s),
			"space inside":      s[:4] + " " + s[4:],
		}
		// In a string of length 4k+2 or 4k+3 the last character carries 4
		// or 2 unused bits; setting the lowest keeps the decoded bytes.
		if unused := map[int]int{2: 4, 3: 2}[len(s)%4]; unused > 0 {
			last := strings.IndexByte(alphabet, s[len(s)-1])
			if last%(1<<unused) != 0 {
				t.Fatalf("encode(%+v) = %q ends with unused bits set", c, s)
			}
			tests["unused bits set"] = s[:len(s)-1] + string(alphabet[last+1])
		}
		for name, bad := range tests {
			if bad == s {
				continue // no padding due, or no '-' or '_' to swap
			}
			if got, err := decodeCursor(bad); err != keyset.ErrBadCursor {
				t.Errorf("%s: decodeCursor(%q) = %+v, %v; want keyset.ErrBadCursor", name, bad, got, err)
			}
		}
	}
}

// FuzzDecodeCursor feeds arbitrary strings to the decoder: it must never
// panic, and whatever it accepts must be a cursor whose every value a query
// can use, and whose encoding is exactly the input (so no two strings mean
// the same cursor). As a random string almost never carries a right
// checksum, each input is also tried as a record: its base64url bytes are
// sealed with their checksum, which takes the fuzzer past the checksum to
// the parser. Its seed corpus runs with every go test.
func FuzzDecodeCursor(f *testing.F) {
	for _, c := range cursorSamples() {
		f.Add(c.encode())
		f.Add(raw64.EncodeToString(c.appendBinary(nil)))
	}
	f.Add("")
	f.Add("AQ")
	f.Add("AQEBAAAAAA")
	f.Add("AgEBAAAAAA")
	f.Add("////")
	f.Fuzz(func(t *testing.T, s string) {
		checkDecoded(t, s)
		if raw, err := base64.RawURLEncoding.DecodeString(s); err == nil && len(raw) <= 1024 {
			checkDecoded(t, keyset.Seal(raw))
		}
	})
}

// checkDecoded fails t if decodeCursor accepts s as a cursor that does not
// encode back to s or that holds a value a query cannot use.
func checkDecoded(t *testing.T, s string) {
	t.Helper()
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
}
