package service

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/google/uuid"
)

// A cursor is where the next page of a list starts: below the id of the
// previous page's last order, in the customer's own list or in the list of
// all orders. Clients get it as an opaque string: base64url of a version
// byte, the list's kind, the id and a 4-byte checksum, so a cursor that was
// cut short, edited or made up is refused rather than read as another
// position. (A forged cursor could only ever select among orders the caller
// may list anyway, so the checksum is for clear errors, not for security.)
type cursor struct {
	all    bool
	before uuid.UUID
}

const cursorVersion = 1

var errBadCursor = errors.New("malformed cursor")

func (c cursor) encode() string {
	b := make([]byte, 0, 2+16+4)
	kind := byte('o')
	if c.all {
		kind = 'a'
	}
	b = append(b, cursorVersion, kind)
	b = append(b, c.before[:]...)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:4]...))
}

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 2+16+4 || b[0] != cursorVersion || (b[1] != 'o' && b[1] != 'a') {
		return cursor{}, errBadCursor
	}
	sum := sha256.Sum256(b[:18])
	if !bytes.Equal(sum[:4], b[18:]) {
		return cursor{}, errBadCursor
	}
	return cursor{all: b[1] == 'a', before: uuid.UUID(b[2:18])}, nil
}
