package infrastructure_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"example.com/bookapp/users/infrastructure"
)

// cheap are parameters that keep tests fast; only tests use them.
var cheap = infrastructure.Argon2Params{Memory: 256, Time: 1, Threads: 1}

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

// TestArgon2idProduction hashes and verifies once with the parameters
// production uses, so that they are known to work.
func TestArgon2idProduction(t *testing.T) {
	t.Parallel()
	h := infrastructure.NewArgon2id(infrastructure.OWASPArgon2Params())
	const password = "correct horse battery staple"
	encoded, err := h.Hash(password)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") || !phc.MatchString(encoded) {
		t.Errorf("Hash = %q, want a PHC string with m=19456,t=2,p=1", encoded)
	}
	if ok, err := h.Verify(password, encoded); !ok || err != nil {
		t.Errorf("Verify(right password) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := h.Verify(password+" ", encoded); ok || err != nil {
		t.Errorf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
	}
	if h.NeedsRehash(encoded) {
		t.Error("NeedsRehash of a hash just made = true")
	}
}

func TestArgon2idHash(t *testing.T) {
	t.Parallel()
	h := infrastructure.NewArgon2id(cheap)
	passwords := []string{"0123456789", "pässwörd with ünïcode ✓", strings.Repeat("long ", 100), ""}
	for _, pw := range passwords {
		a, err := h.Hash(pw)
		if err != nil {
			t.Fatalf("Hash(%q): %v", pw, err)
		}
		b, _ := h.Hash(pw)
		if a == b {
			t.Errorf("two hashes of %q are equal (%s): the salt is not random", pw, a)
		}
		if pw != "" && strings.Contains(a, pw) {
			t.Errorf("hash %q contains the password", a)
		}
		if !phc.MatchString(a) {
			t.Errorf("Hash(%q) = %q, not a PHC string", pw, a)
		}
		for _, other := range passwords {
			ok, err := h.Verify(other, a)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != (other == pw) {
				t.Errorf("Verify(%q) against the hash of %q = %v", other, pw, ok)
			}
		}
	}
}

// TestArgon2idParametersTravelWithTheHash checks that a hash made with other
// parameters still verifies, and is flagged for rehashing.
func TestArgon2idParametersTravelWithTheHash(t *testing.T) {
	t.Parallel()
	old := infrastructure.NewArgon2id(cheap)
	current := infrastructure.NewArgon2id(infrastructure.Argon2Params{Memory: 512, Time: 2, Threads: 2})
	encoded, err := old.Hash("0123456789")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := current.Verify("0123456789", encoded); !ok || err != nil {
		t.Errorf("Verify of a hash with other parameters = %v, %v; want true, nil", ok, err)
	}
	if !current.NeedsRehash(encoded) {
		t.Error("NeedsRehash of a hash with other parameters = false")
	}
	if old.NeedsRehash(encoded) {
		t.Error("NeedsRehash of a hash with the same parameters = true")
	}
}

func TestArgon2idVerifyRejectsMalformed(t *testing.T) {
	t.Parallel()
	h := infrastructure.NewArgon2id(cheap)
	good, err := h.Hash("0123456789")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, hash
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, encoded := range map[string]string{
		"empty":                "",
		"plaintext":            "0123456789",
		"bcrypt":               "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":              with(1, "argon2i"),
		"version 16":           with(2, "v=16"),
		"version with junk":    with(2, "v=19x"),
		"parameters missing":   with(3, "m=256,t=1"),
		"parameters with junk": with(3, "m=256,t=1,p=1,x=2"),
		"zero time":            with(3, "m=256,t=0,p=1"),
		"zero threads":         with(3, "m=256,t=1,p=0"),
		"too little memory":    with(3, "m=8,t=1,p=2"),
		"too much memory":      with(3, "m=4194304,t=1,p=1"),
		"too many passes":      with(3, "m=256,t=1000,p=1"),
		"threads overflow":     with(3, "m=256,t=1,p=300"),
		"salt not base64":      with(4, "!!!!"),
		"salt too short":       with(4, "AAAA"),
		"hash too short":       with(5, "AAAA"),
		"hash padded":          with(5, parts[5]+"="),
		"extra field":          good + "$x",
	} {
		ok, err := h.Verify("0123456789", encoded)
		if ok || !errors.Is(err, infrastructure.ErrMalformedHash) {
			t.Errorf("%s: Verify(%q) = %v, %v; want false, ErrMalformedHash", name, encoded, ok, err)
		}
		if !h.NeedsRehash(encoded) {
			t.Errorf("%s: NeedsRehash(%q) = false", name, encoded)
		}
	}
	// A tampered hash parses but no longer matches.
	tampered := with(5, strings.Repeat("A", 43))
	if ok, err := h.Verify("0123456789", tampered); ok || err != nil {
		t.Errorf("Verify(tampered hash) = %v, %v; want false, nil", ok, err)
	}
}

func TestNewArgon2idPanicsOnUnusableParameters(t *testing.T) {
	t.Parallel()
	for _, p := range []infrastructure.Argon2Params{
		{},
		{Memory: 256, Time: 0, Threads: 1},
		{Memory: 256, Time: 1, Threads: 0},
		{Memory: 15, Time: 1, Threads: 2},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewArgon2id(%+v) did not panic", p)
				}
			}()
			infrastructure.NewArgon2id(p)
		}()
	}
}

// BenchmarkHash measures one password hash with production's parameters:
// the cost of every registration and sign-in.
func BenchmarkHash(b *testing.B) {
	h := infrastructure.NewArgon2id(infrastructure.OWASPArgon2Params())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures checking a password with production's parameters.
func BenchmarkVerify(b *testing.B) {
	h := infrastructure.NewArgon2id(infrastructure.OWASPArgon2Params())
	encoded, err := h.Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := h.Verify("correct horse battery staple", encoded); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
