package web_test

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/app/web"
)

// marshal is what encoding/json writes for v with HTML escaping off, as
// Encode writes a value that is not an Appender, without the final newline.
func marshal(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", `quote " and backslash \`, "tab\tnew line\ncarriage\rback\bfeed\f",
		"\x00\x01\x1f\x7f", "<html> & 'apostrophe'", "naïve café 日本語 🙂",
		"line\u2028para\u2029", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate", "end\\",
	} {
		if got, want := string(web.AppendString(nil, s)), marshal(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{
		0, math.Copysign(0, -1), 1, -1, 4.5, 4.571428571428571, 1.0 / 3, 1e-6, 9.99e-7, 1e-7, 1.5e-10,
		1e20, 1e21, 123456789e15, -2.5e-8, math.MaxFloat64, math.SmallestNonzeroFloat64,
	} {
		if got, want := string(web.AppendFloat(nil, f)), marshal(t, f); got != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestAppendUUIDAndTimeMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, id := range []uuid.UUID{uuid.Nil, uuid.Max, uuid.MustParse("01a1fe0a-a4b2-7e72-bac2-d3ea8267f04f")} {
		if got, want := string(web.AppendUUID(nil, id)), marshal(t, id); got != want {
			t.Errorf("AppendUUID(%v) = %s, want %s", id, got, want)
		}
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 21, 13, 14, 15, 123456000, time.UTC),
		time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.FixedZone("", -5*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", 14*3600)),
	} {
		if got, want := string(web.AppendTime(nil, tm)), marshal(t, tm); got != want {
			t.Errorf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

func TestAppendSlicesAndNullsMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	text := "a \"promotion\""
	for _, v := range []struct {
		ss []string
		s  *string
	}{{nil, nil}, {[]string{}, &text}, {[]string{"one"}, nil}, {[]string{"a", "b\n", ""}, &text}} {
		if got, want := string(web.AppendStrings(nil, v.ss)), marshal(t, v.ss); got != want {
			t.Errorf("AppendStrings(%q) = %s, want %s", v.ss, got, want)
		}
		if got, want := string(web.AppendNullableString(nil, v.s)), marshal(t, v.s); got != want {
			t.Errorf("AppendNullableString(%v) = %s, want %s", v.s, got, want)
		}
	}
	for _, cents := range []int64{0, 5, 2999, -1, math.MinInt64} {
		if got, want := string(web.Money(cents).AppendJSON(nil)), marshal(t, web.Money(cents)); got != want {
			t.Errorf("Money(%d).AppendJSON = %s, want %s", cents, got, want)
		}
	}
}

// FuzzAppend compares the helpers with encoding/json on arbitrary strings,
// floats and instants.
func FuzzAppend(f *testing.F) {
	f.Add("naïve \"x\"\n\u2028", 4.5, int64(1763730855), int64(123456789))
	f.Add("\xff\xfe", 1e-7, int64(-62135596800), int64(0))
	f.Fuzz(func(t *testing.T, s string, fl float64, sec, nsec int64) {
		if got, want := string(web.AppendString(nil, s)), marshal(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		if !math.IsNaN(fl) && !math.IsInf(fl, 0) {
			if got, want := string(web.AppendFloat(nil, fl)), marshal(t, fl); got != want {
				t.Fatalf("AppendFloat(%v) = %s, want %s", fl, got, want)
			}
		}
		tm := time.Unix(sec, nsec%1e9).UTC()
		if y := tm.Year(); y >= 0 && y <= 9999 {
			if got, want := string(web.AppendTime(nil, tm)), marshal(t, tm); got != want {
				t.Fatalf("AppendTime(%v) = %s, want %s", tm, got, want)
			}
		}
	})
}

// appended is a response that writes its own JSON.
type appended struct{ n int }

func (a appended) AppendJSON(b []byte) []byte {
	return append(strconv.AppendInt(append(b, `{"n":`...), int64(a.n), 10), '}')
}

func TestEncodeUsesAppenderAndSetsLength(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    any
		want string
	}{
		{appended{42}, "{\"n\":42}\n"},
		{map[string]string{"html": "<b>"}, "{\"html\":\"<b>\"}\n"},
	} {
		rec := httptest.NewRecorder()
		if err := web.Encode(rec, http.StatusCreated, tt.v); err != nil {
			t.Fatalf("Encode(%v): %v", tt.v, err)
		}
		if rec.Code != http.StatusCreated || rec.Body.String() != tt.want {
			t.Errorf("Encode(%v) = %d %q, want 201 %q", tt.v, rec.Code, rec.Body.String(), tt.want)
		}
		if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(len(tt.want)); got != want {
			t.Errorf("Content-Length = %s, want %s", got, want)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
	}
}

// TestEncodeReusesBuffersCleanly encodes responses of falling and rising
// sizes, beyond the largest buffer kept for reuse too, and checks that each
// body is exactly its own: a reused buffer must not leak an earlier
// response's bytes.
func TestEncodeReusesBuffersCleanly(t *testing.T) {
	t.Parallel()
	for _, n := range []int{300 << 10, 40 << 10, 10, 300 << 10, 5, 40 << 10, 0} {
		v := appendedText(strings.Repeat("x", n))
		rec := httptest.NewRecorder()
		if err := web.Encode(rec, http.StatusOK, v); err != nil {
			t.Fatalf("Encode(%d bytes): %v", n, err)
		}
		if want := `"` + string(v) + "\"\n"; rec.Body.String() != want {
			t.Fatalf("Encode(%d bytes): body of %d bytes differs from the %d expected", n, rec.Body.Len(), len(want))
		}
	}
}

// appendedText is a response that appends itself as a JSON string.
type appendedText string

func (a appendedText) AppendJSON(b []byte) []byte { return web.AppendString(b, string(a)) }
