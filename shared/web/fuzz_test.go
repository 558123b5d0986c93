package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"example.com/bookapp/shared/web"
)

// fuzzRequest has the shapes the API's request bodies use: ids, nested
// objects and arrays of objects, numbers, booleans, optional values, dates.
type fuzzRequest struct {
	BookID      uuid.UUID  `json:"bookId"`
	Title       string     `json:"title"`
	Comment     *string    `json:"comment"`
	Price       float64    `json:"price"`
	NumStars    int        `json:"numStars"`
	AcceptTerms bool       `json:"acceptTerms"`
	Authors     []string   `json:"authors"`
	PlacedAt    time.Time  `json:"placedAt"`
	Lines       []fuzzLine `json:"lines"`
	Address     struct {
		City string `json:"city"`
	} `json:"address"`
}

type fuzzLine struct {
	BookID   uuid.UUID `json:"bookId"`
	Quantity int       `json:"quantity"`
}

// FuzzDecode feeds Decode arbitrary bodies and content types. Whatever comes
// in, Decode answers either the value (for a body that is one valid JSON
// object) or a 400, 413 or 415 problem; it never panics, never answers 500,
// and every field it names is a non-empty path. `go test` runs the seeds.
func FuzzDecode(f *testing.F) {
	const valid = `{"bookId":"0190a0e4-1c2b-7d3e-8f00-123456789abc","title":"Go","comment":null,"price":29.99,` +
		`"numStars":5,"acceptTerms":true,"authors":["A","B"],"placedAt":"2026-01-02T03:04:05Z",` +
		`"lines":[{"bookId":"0190a0e4-1c2b-7d3e-8f00-123456789abc","quantity":2}],"address":{"city":"Bath"}}`
	for _, seed := range []struct{ contentType, body string }{
		{"application/json", valid},
		{"application/json; charset=utf-8", `{}`},
		{"application/JSON", `{}`},
		{"", `{}`},
		{"text/plain", `{}`},
		{"application/json;", `{}`},
		{"multipart/form-data; boundary=x", "--x--"},
		{"application/json", ``},
		{"application/json", `null`},
		{"application/json", `[]`},
		{"application/json", `"x"`},
		{"application/json", `{"title":`},
		{"application/json", `{"title" "x"}`},
		{"application/json", `{} {}`},
		{"application/json", `{}x`},
		{"application/json", `{"title":"a","title":"b"}`},
		{"application/json", `{"Title":"case folded"}`},
		{"application/json", `{"unknown":1}`},
		{"application/json", `{"lines":[{"quantity":1},{"quantity":1,"price":3}]}`},
		{"application/json", `{"lines":[{"quantity":"two"}]}`},
		{"application/json", `{"lines":{"quantity":1}}`},
		{"application/json", `{"address":{"city":5}}`},
		{"application/json", `{"address":[]}`},
		{"application/json", `{"numStars":1e400}`},
		{"application/json", `{"numStars":99999999999999999999}`},
		{"application/json", `{"numStars":-9223372036854775809}`},
		{"application/json", `{"numStars":1.5}`},
		{"application/json", `{"price":-0}`},
		{"application/json", `{"price":NaN}`},
		{"application/json", `{"acceptTerms":"true"}`},
		{"application/json", `{"bookId":"not-a-uuid"}`},
		{"application/json", `{"bookId":"'; DROP TABLE books.books; --"}`},
		{"application/json", `{"lines":[{"bookId":42}]}`},
		{"application/json", `{"placedAt":"yesterday"}`},
		{"application/json", `{"title":"nul\u0000byte"}`},
		{"application/json", "{\"title\":\"raw \x00 nul\"}"},
		{"application/json", "{\"title\":\"bad utf-8 \xff\"}"},
		{"application/json", `{"title":"\ud800"}`},
		{"application/json", "\xef\xbb\xbf{}"},
		{"application/json", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
		{"application/json", `{"authors":[` + strings.Repeat(`"x",`, 1000) + `"x"]}`},
		{"application/json", `{"title":"` + strings.Repeat("x", 100000) + `"}`},
	} {
		f.Add(seed.contentType, []byte(seed.body))
	}
	log := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		var got fuzzRequest
		decoded := false
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, err := web.Decode[fuzzRequest](w, r)
			if err != nil {
				web.WriteError(w, r, log, err)
				return
			}
			got, decoded = v, true
			w.WriteHeader(http.StatusNoContent)
		})
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		web.WithRequestID(h).ServeHTTP(w, r)

		switch w.Code {
		case http.StatusNoContent:
			if !decoded {
				t.Fatal("204 without a decoded value")
			}
			if !json.Valid(body) {
				t.Fatalf("decoded %q, which is not valid JSON", body)
			}
			// What was decoded encodes and decodes to itself: nothing was
			// half-read.
			again, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("re-encode %+v: %v", got, err)
			}
			var back fuzzRequest
			if err := json.Unmarshal(again, &back); err != nil {
				t.Fatalf("decode %s again: %v", again, err)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if decoded {
				t.Fatalf("%d after a decoded value", w.Code)
			}
			var p struct {
				Status int               `json:"status"`
				Detail string            `json:"detail"`
				Errors map[string]string `json:"errors"`
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("%d with Content-Type %q", w.Code, ct)
			}
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatalf("problem %q: %v", w.Body, err)
			}
			if p.Status != w.Code || p.Detail == "" {
				t.Fatalf("problem %+v for status %d", p, w.Code)
			}
			for field, msg := range p.Errors {
				if field == "" || msg == "" || !utf8.ValidString(field) {
					t.Fatalf("errors %q: a field without a path or a message", p.Errors)
				}
			}
		default:
			t.Fatalf("status %d for Content-Type %q, body %q: %s", w.Code, contentType, body, w.Body)
		}
	})
}
