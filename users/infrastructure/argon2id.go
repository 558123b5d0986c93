package infrastructure

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of argon2id (RFC 9106).
type Argon2Params struct {
	// Memory is the memory cost in KiB: each hash fills this much RAM, which
	// is what makes guessing on GPUs and ASICs expensive.
	Memory uint32
	// Time is the number of passes over that memory.
	Time uint32
	// Threads is the degree of parallelism (lanes).
	Threads uint8
}

// OWASPArgon2Params returns the parameters bookapp hashes passwords with:
// OWASP's Password Storage Cheat Sheet minimum for argon2id, m=19456 KiB
// (19 MiB), t=2, p=1. It costs tens of milliseconds of one core and 19 MiB per
// hash (see BenchmarkHash), which bounds concurrent sign-ins by memory: 50 at
// once need about 1 GiB. Raise Memory first if the servers can afford it;
// stored hashes keep their own parameters and are upgraded at the next
// sign-in.
func OWASPArgon2Params() Argon2Params {
	return Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}
}

// Salt and key sizes: RFC 9106 recommends a 128-bit salt and a 256-bit tag.
const (
	saltLen = 16
	keyLen  = 32
)

// Bounds on the parameters Verify accepts from a stored hash, so that a
// corrupt or hostile row cannot make one check take minutes or gigabytes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	minSaltLen = 8
	minKeyLen  = 16
	maxKeyLen  = 128
)

// ErrMalformedHash reports a stored hash that is not an argon2id PHC string
// this package can verify.
var ErrMalformedHash = errors.New("malformed argon2id hash")

var b64 = base64.RawStdEncoding // the PHC string format's base64: standard alphabet, no padding

// Argon2id hashes passwords with argon2id and verifies them in constant time.
// Hashes are PHC strings that carry their parameters and salt,
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// so that the parameters can change without invalidating stored hashes.
//
// At most 2×GOMAXPROCS hashes run at once: each takes Memory KiB, so a burst
// of sign-ins must queue rather than exhaust the machine's memory.
type Argon2id struct {
	params Argon2Params
	slots  chan struct{}
}

// NewArgon2id returns a hasher that hashes with params; it verifies hashes
// made with any parameters within sane bounds. Tests may pass cheap
// parameters; production uses OWASPArgon2Params. It panics on parameters
// argon2 cannot use (Time or Threads zero, Memory below 8 KiB per thread): a
// programming error.
func NewArgon2id(params Argon2Params) *Argon2id {
	if params.Time == 0 || params.Threads == 0 || params.Memory < 8*uint32(params.Threads) {
		panic(fmt.Sprintf("infrastructure: invalid argon2id parameters %+v", params))
	}
	return &Argon2id{params: params, slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
}

// Params returns the parameters new hashes are made with.
func (h *Argon2id) Params() Argon2Params { return h.params }

// Hash returns a new PHC string for password, with a fresh random salt.
func (h *Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	p := h.params
	h.slots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	<-h.slots
	return encode(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded, comparing
// in constant time. It returns ErrMalformedHash (and false) when encoded
// cannot be parsed.
func (h *Argon2id) Verify(password, encoded string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	h.slots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	<-h.slots
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// the hasher's (or cannot be parsed), so that a successful sign-in should
// store a new hash.
func (h *Argon2id) NeedsRehash(encoded string) bool {
	p, salt, key, err := decode(encoded)
	return err != nil || p != h.params || len(salt) != saltLen || len(key) != keyLen
}

func encode(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(encoded string) (p Argon2Params, salt, key []byte, err error) {
	// "", "argon2id", "v=19", "m=...,t=...,p=...", salt, hash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrMalformedHash, parts[2])
	}
	_, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads)
	if err != nil || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) ||
		p.Time == 0 || p.Time > maxTime || p.Threads == 0 || p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrMalformedHash, parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSaltLen {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("%w: hash", ErrMalformedHash)
	}
	return p, salt, key, nil
}
