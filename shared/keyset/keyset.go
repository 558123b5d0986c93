// Package keyset is the one string format of the cursors that the
// keyset-paged lists give their clients: where the next page starts, and the list it was made
// for, as an opaque token.
//
// Each list lays out its own binary record (a version byte first, so that a
// layout can change); this package seals it for the wire and opens it again:
//
//	token = base64url, unpadded (record ‖ the first 4 bytes of SHA-256(record))
//
// The checksum makes a token that was cut short, edited or made up be refused
// rather than read as another position. It is an integrity check, not a
// signature: anyone can compute it, and a list needs none, because a
// position only says where a page starts, and any position a client could
// forge is one it could reach by paging (docs/decisions.md).
package keyset

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"

	"example.com/bookapp/shared/errs"
)

// MaxCursorLen is the longest token Open reads: far above any record the lists
// make, and a bound on the work a hostile one costs.
const MaxCursorLen = 1024

const checksumBytes = 4

// ErrBadCursor is the error of a token that Seal did not make.
var ErrBadCursor = errors.New("not a cursor of this list")

var encoding = base64.RawURLEncoding.Strict()

// Seal returns the token of record.
func Seal(record []byte) string {
	sum := sha256.Sum256(record)
	return encoding.EncodeToString(append(record[:len(record):len(record)], sum[:checksumBytes]...))
}

// Open returns the record that Seal sealed into token, or ErrBadCursor. It
// accepts only the exact string Seal returns (the base64 decoder alone would
// skip line breaks), so no two tokens open to the same record; a list that
// also wants one token per position re-encodes what it parsed and compares.
func Open(token string) ([]byte, error) {
	if len(token) > MaxCursorLen {
		return nil, ErrBadCursor
	}
	raw, err := encoding.DecodeString(token)
	if err != nil || len(raw) < checksumBytes || encoding.EncodeToString(raw) != token {
		return nil, ErrBadCursor
	}
	record, sum := raw[:len(raw)-checksumBytes], raw[len(raw)-checksumBytes:]
	if want := sha256.Sum256(record); !bytes.Equal(sum, want[:checksumBytes]) {
		return nil, ErrBadCursor
	}
	return record, nil
}

// BadCursorMessage is what a client is told of a cursor that this list did
// not make (ErrBadCursor, or a token of another list or other parameters).
const BadCursorMessage = "is not a cursor of this list; leave it out to start from the first page"

// PageSize returns the size of the page a list was asked for: def when size
// is nil, else *size, which must be from 1 to max; otherwise f records the
// problem under "pageSize" and PageSize returns def.
func PageSize(f errs.Fields, size *int, def, max int) int {
	if size == nil {
		return def
	}
	if *size < 1 || *size > max {
		f.Check("pageSize", true, "must be a whole number from 1 to "+strconv.Itoa(max))
		return def
	}
	return *size
}
