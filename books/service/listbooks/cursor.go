package listbooks

import (
	"encoding/binary"
	"math"
	"time"

	"example.com/bookapp/books/persistence/listbooks"
	"example.com/bookapp/shared/keyset"
)

// A cursor is where the next page of a list starts, and the parameters of
// the list it was made for. Clients get it as the opaque token of
// shared/keyset (unpadded base64url, with a checksum) sealing this binary
// record:
//
//	version   1 byte  (cursorVersion)
//	list      1 byte  (listPublic or listDeleted)
//	public list only:
//	  sort      1 byte  (listbooks.Sort)
//	  votes     1 byte  (0 = no filter, 1..4)
//	  year      2 bytes (big endian; 0 = no filter, 1..9999, yearUpcoming)
//	  tag       uvarint length, then that many bytes of UTF-8 ("" = no filter)
//	  id        16 bytes
//	  key       by sort: creation time as microseconds since 1970-01-01 UTC
//	            (int64, 8 bytes) for newest, votes float64 bits (8 bytes),
//	            published date as days since 1970-01-01 (int32, 4 bytes),
//	            price cents (int64, 8 bytes)
//	deleted list:
//	  id        16 bytes
//	  deletedAt microseconds since 1970-01-01 UTC (int64, 8 bytes)
//
// Decoding accepts only the canonical encoding of a valid cursor (it
// re-encodes what it read and compares), so no two strings mean the same
// cursor.
type cursor struct {
	list   byte // listPublic or listDeleted
	params params
	after  listbooks.Key
}

// params are the list parameters a cursor is bound to; a cursor used with
// others is refused.
type params struct {
	sort  listbooks.Sort
	votes int    // 0..4
	year  int    // 0, 1..9999 or yearUpcoming
	tag   string // "" = no filter
}

const (
	cursorVersion = 2 // 1 was the same record without a checksum
	listPublic    = 1
	listDeleted   = 2
	yearUpcoming  = 0xFFFF
	maxTagBytes   = 4 * maxTagRunes
)

// The range of dates and times a cursor may carry: years 1..9999, which
// PostgreSQL's date and timestamptz hold, so a crafted cursor can never make
// a query fail.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// encode returns c as the string clients see.
func (c cursor) encode() string {
	return keyset.Seal(c.appendBinary(make([]byte, 0, 64)))
}

// appendBinary appends c's record to b.
func (c cursor) appendBinary(b []byte) []byte {
	b = append(b, cursorVersion, c.list)
	switch c.list {
	case listPublic:
		p := c.params
		b = append(b, byte(p.sort), byte(p.votes))
		b = binary.BigEndian.AppendUint16(b, uint16(p.year))
		b = binary.AppendUvarint(b, uint64(len(p.tag)))
		b = append(b, p.tag...)
		b = append(b, c.after.ID[:]...)
		switch p.sort {
		case listbooks.ByNewest:
			b = binary.BigEndian.AppendUint64(b, uint64(c.after.CreatedAt.UnixMicro()))
		case listbooks.ByVotes:
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.after.Votes))
		case listbooks.ByPublished:
			b = binary.BigEndian.AppendUint32(b, uint32(int32(daysSinceEpoch(c.after.PublishedOn))))
		case listbooks.ByPrice, listbooks.ByPriceDesc:
			b = binary.BigEndian.AppendUint64(b, uint64(c.after.PriceCents))
		case listbooks.ByBestsellers:
			b = binary.BigEndian.AppendUint32(b, uint32(c.after.CopiesSold))
		}
	case listDeleted:
		b = append(b, c.after.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(c.after.DeletedAt.UnixMicro()))
	}
	return b
}

// decodeCursor reads a cursor that encode made, or returns
// keyset.ErrBadCursor.
func decodeCursor(s string) (cursor, error) {
	record, err := keyset.Open(s)
	if err != nil {
		return cursor{}, err
	}
	c, ok := parseCursor(record)
	if !ok || c.encode() != s {
		return cursor{}, keyset.ErrBadCursor
	}
	return c, nil
}

// parseCursor reads the binary record; it checks
// every value's range but not that the encoding is canonical.
func parseCursor(b []byte) (cursor, bool) {
	r := reader{b: b}
	var c cursor
	if r.byte() != cursorVersion {
		return c, false
	}
	c.list = r.byte()
	switch c.list {
	case listPublic:
		p := &c.params
		p.sort = listbooks.Sort(r.byte())
		p.votes = int(r.byte())
		p.year = int(r.uint16())
		n := r.uvarint()
		if n > maxTagBytes {
			return c, false
		}
		p.tag = string(r.bytes(int(n)))
		if !p.sort.Valid() || p.votes > 4 || (p.year > 9999 && p.year != yearUpcoming) || (p.tag != "" && validTag(p.tag) != "") {
			return c, false
		}
		copy(c.after.ID[:], r.bytes(16))
		switch p.sort {
		case listbooks.ByNewest:
			t, ok := timestamp(r.uint64())
			if !ok {
				return c, false
			}
			c.after.CreatedAt = t
		case listbooks.ByVotes:
			v := math.Float64frombits(r.uint64())
			if v != -1 && !(v >= 0 && v <= 5) { // also false for NaN
				return c, false
			}
			c.after.Votes = v
		case listbooks.ByPublished:
			d := time.Unix(0, 0).UTC().AddDate(0, 0, int(int32(r.uint32())))
			if d.Before(minTime) || d.After(maxTime) {
				return c, false
			}
			c.after.PublishedOn = d
		case listbooks.ByPrice, listbooks.ByPriceDesc:
			p := int64(r.uint64())
			if p < 0 {
				return c, false
			}
			c.after.PriceCents = p
		case listbooks.ByBestsellers:
			n := r.uint32()
			if n > math.MaxInt32 { // copies_sold is a PostgreSQL integer
				return c, false
			}
			c.after.CopiesSold = int(n)
		}
	case listDeleted:
		copy(c.after.ID[:], r.bytes(16))
		t, ok := timestamp(r.uint64())
		if !ok {
			return c, false
		}
		c.after.DeletedAt = t
	default:
		return c, false
	}
	return c, r.done()
}

// timestamp reads microseconds since 1970 as a time in years 1..9999.
func timestamp(us uint64) (time.Time, bool) {
	t := time.UnixMicro(int64(us)).UTC()
	return t, !t.Before(minTime) && !t.After(maxTime)
}

func daysSinceEpoch(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// A reader reads a binary record front to back. A read past the end sets
// short and returns zeros, so a parser reads everything and checks once.
type reader struct {
	b     []byte
	short bool
}

func (r *reader) bytes(n int) []byte {
	if r.short || n > len(r.b) {
		r.short = true
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte     { return r.bytes(1)[0] }
func (r *reader) uint16() uint16 { return binary.BigEndian.Uint16(r.bytes(2)) }
func (r *reader) uint32() uint32 { return binary.BigEndian.Uint32(r.bytes(4)) }
func (r *reader) uint64() uint64 { return binary.BigEndian.Uint64(r.bytes(8)) }
func (r *reader) done() bool     { return !r.short && len(r.b) == 0 }

func (r *reader) uvarint() uint64 {
	if r.short {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.short = true
		return 0
	}
	r.b = r.b[n:]
	return v
}
