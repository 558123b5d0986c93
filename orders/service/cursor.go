package service

import (
	"github.com/google/uuid"

	"example.com/bookapp/shared/keyset"
)

// A cursor is where the next page of a list starts: below the id of the
// previous page's last order, in the customer's own list or in the list of
// all orders. Clients get it as the opaque token of shared/keyset sealing a
// version byte, the list's kind ('o' own, 'a' all) and the id. (A forged
// cursor could only ever select among orders the caller may list anyway.)
type cursor struct {
	all    bool
	before uuid.UUID
}

const cursorVersion = 1

func (c cursor) encode() string {
	kind := byte('o')
	if c.all {
		kind = 'a'
	}
	return keyset.Seal(append([]byte{cursorVersion, kind}, c.before[:]...))
}

// decodeCursor reads a cursor that encode made, or returns
// keyset.ErrBadCursor.
func decodeCursor(s string) (cursor, error) {
	b, err := keyset.Open(s)
	if err != nil {
		return cursor{}, err
	}
	if len(b) != 2+16 || b[0] != cursorVersion || (b[1] != 'o' && b[1] != 'a') {
		return cursor{}, keyset.ErrBadCursor
	}
	return cursor{all: b[1] == 'a', before: uuid.UUID(b[2:])}, nil
}
