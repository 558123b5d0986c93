package domain

import (
	"example.com/bookapp/shared/errs"
)

// MaxIdempotencyKeyLen is the longest idempotency key accepted, in bytes.
const MaxIdempotencyKeyLen = 100

// An IdempotencyKey is the client's name for one attempt to place an order:
// repeats of a request under the same key, from the same customer, place the
// order once. The zero value means the client sent none.
type IdempotencyKey struct {
	key string
}

// NewIdempotencyKey returns key as an IdempotencyKey: 1..MaxIdempotencyKeyLen
// printable ASCII characters (space to tilde), taken exactly as sent. Anything
// else is an errs.Invalid error naming the field "idempotencyKey" (which
// the HTTP adapter reports under the header it came in).
func NewIdempotencyKey(key string) (IdempotencyKey, error) {
	ok := len(key) >= 1 && len(key) <= MaxIdempotencyKeyLen
	for i := 0; ok && i < len(key); i++ {
		ok = key[i] >= ' ' && key[i] <= '~'
	}
	if !ok {
		return IdempotencyKey{}, errs.WithFields(errs.Invalid, map[string]string{
			"idempotencyKey": "must be 1 to 100 printable ASCII characters"})
	}
	return IdempotencyKey{key: key}, nil
}

// String returns the key as the client sent it ("" for none).
func (k IdempotencyKey) String() string { return k.key }

// IsZero reports whether the client sent no key.
func (k IdempotencyKey) IsZero() bool { return k.key == "" }
