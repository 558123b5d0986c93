package keyset_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/keyset"
)

func TestSealOpens(t *testing.T) {
	for _, record := range [][]byte{{}, {1}, {2, 'a', 0, 0xff}, bytes.Repeat([]byte{7}, 200)} {
		token := keyset.Seal(record)
		if strings.ContainsAny(token, "+/=") {
			t.Errorf("Seal(%x) = %q: not unpadded base64url", record, token)
		}
		got, err := keyset.Open(token)
		if err != nil || !bytes.Equal(got, record) {
			t.Errorf("Open(Seal(%x)) = %x, %v", record, got, err)
		}
	}
}

func TestSealLeavesTheRecordAlone(t *testing.T) {
	backing := make([]byte, 3, 16)
	copy(backing, "abc")
	keyset.Seal(backing)
	if got := backing[:4]; got[3] != 0 {
		t.Errorf("Seal wrote past the record into its spare capacity: %q", got)
	}
}

func TestOpenRefusesWhatSealDidNotMake(t *testing.T) {
	good := keyset.Seal([]byte{1, 'o', 1, 2, 3, 4, 5, 6, 7, 8})
	flipped := []byte(good)
	if flipped[3] == 'A' {
		flipped[3] = 'B'
	} else {
		flipped[3] = 'A'
	}
	for name, token := range map[string]string{
		"empty":          "",
		"short":          "AAA",
		"cut":            good[:len(good)-2],
		"edited":         string(flipped),
		"padded":         good + "=",
		"line break":     good[:4] + "\n" + good[4:],
		"not base64":     "not a cursor!",
		"standard alpha": strings.NewReplacer("-", "+", "_", "/").Replace(keyset.Seal([]byte{0xfb, 0xff, 0xfe})),
		"too long":       keyset.Seal(make([]byte, keyset.MaxCursorLen)),
	} {
		if rec, err := keyset.Open(token); !errors.Is(err, keyset.ErrBadCursor) {
			t.Errorf("%s: Open(%q) = %x, %v; want ErrBadCursor", name, token, rec, err)
		}
	}
}

func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		size *int
		want int
		msg  string
	}{
		{size: nil, want: 100},
		{size: new(1), want: 1},
		{size: new(1000), want: 1000},
		{size: new(0), want: 100, msg: "must be a whole number from 1 to 1000"},
		{size: new(1001), want: 100, msg: "must be a whole number from 1 to 1000"},
		{size: new(-3), want: 100, msg: "must be a whole number from 1 to 1000"},
	} {
		f := errs.Fields{}
		if got := keyset.PageSize(f, tc.size, 100, 1000); got != tc.want || f["pageSize"] != tc.msg {
			t.Errorf("PageSize(%v) = %d, problem %q; want %d, %q", tc.size, got, f["pageSize"], tc.want, tc.msg)
		}
	}
}
