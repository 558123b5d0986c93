package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

func TestMoneyDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		cents   int64
		problem string
	}{
		{"0", 0, ""},
		{"-0", 0, ""},
		{"0.00", 0, ""},
		{"0e99999999999", 0, ""},
		{"29.99", 2999, ""},
		{"29.9", 2990, ""},
		{"29.990", 2999, ""},
		{"0.05", 5, ""},
		{"0.1", 10, ""},
		{"100", 10000, ""},
		{"10000", 1_000_000, ""},
		{"1e2", 10000, ""},
		{"1E+2", 10000, ""},
		{"1.5e-1", 15, ""},
		{"1.234e1", 1234, ""},
		{"999999999999.99", 99999999999999, ""},
		{"0.001", 0, "must have at most two decimals"},
		{"29.999", 0, "must have at most two decimals"},
		{"1e-3", 0, "must have at most two decimals"},
		{"1e-400", 0, "must have at most two decimals"},
		{"1e-99999999999999999999", 0, "must have at most two decimals"},
		{"-1", 0, "must not be negative"},
		{"-0.01", 0, "must not be negative"},
		{"1000000000000", 0, "is too large"},
		{"1e12", 0, "is too large"},
		{"1e400", 0, "is too large"},
		{"1e99999999999999999999", 0, "is too large"},
		{"12345678901234567890123", 0, "is too large"},
	}
	for _, tt := range tests {
		var m web.Amount
		if err := json.Unmarshal([]byte(tt.in), &m); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if m.Problem() != tt.problem || (tt.problem == "" && m.Cents != tt.cents) {
			t.Errorf("%s = %+v, want %d cents, problem %q", tt.in, m, tt.cents, tt.problem)
		}
	}
}

// What the API writes (Money), it reads back unchanged.
func TestMoneyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, cents := range []int64{0, 1, 9, 10, 99, 100, 2990, 2999, 1_000_000, 99999999999999} {
		b, err := json.Marshal(web.Money(cents))
		if err != nil {
			t.Fatal(err)
		}
		var m web.Amount
		if err := json.Unmarshal(b, &m); err != nil || m.Problem() != "" || m.Cents != cents {
			t.Errorf("%d cents written as %s read back as %+v, %v", cents, b, m, err)
		}
	}
}

// Through web.Decode, as the handlers use it: a value that is not a number
// is a type error at its path; null and absence leave the amount unset.
func TestMoneyInARequest(t *testing.T) {
	t.Parallel()
	type promotionRequest struct {
		ActualPrice web.Amount `json:"actualPrice"`
	}
	decode := func(body string) (promotionRequest, error) {
		r := httptest.NewRequest(http.MethodPut, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return web.Decode[promotionRequest](httptest.NewRecorder(), r)
	}
	for _, body := range []string{`{"actualPrice":"12.50"}`, `{"actualPrice":true}`, `{"actualPrice":{}}`, `{"actualPrice":[1]}`} {
		_, err := decode(body)
		if diff := cmp.Diff(map[string]string{"actualPrice": "must be a number"}, errs.FieldsOf(decodeFields(err))); diff != "" {
			t.Errorf("%s: error %v, fields (-want +got):\n%s", body, err, diff)
		}
	}
	for _, body := range []string{`{"actualPrice":null}`, `{}`} {
		req, err := decode(body)
		if err != nil || req.ActualPrice.Problem() != "is required" {
			t.Errorf("%s: %+v, %v; want the amount unset", body, req.ActualPrice, err)
		}
		if err := web.Check(map[string]web.Checked{"actualPrice": req.ActualPrice}); errs.FieldsOf(err)["actualPrice"] != "is required" {
			t.Errorf("%s: Check = %v, want actualPrice is required", body, err)
		}
	}
	req, err := decode(`{"actualPrice":12.345}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := web.Check(map[string]web.Checked{"actualPrice": req.ActualPrice}); errs.FieldsOf(err)["actualPrice"] != "must have at most two decimals" {
		t.Errorf("12.345: Check = %v", err)
	}
}

// decodeFields renders a web.Decode error as WriteError does, and returns
// it as an errs error carrying the problem's fields.
func decodeFields(err error) error {
	w := httptest.NewRecorder()
	web.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), nil, err)
	var p web.Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	return errs.WithFields(errs.Invalid, p.Errors)
}

func TestDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"2024-02-29"`: "", `"2023-02-29"`: "must be a date such as 2024-05-31 (YYYY-MM-DD)",
		`"2024-2-9"`: "must be a date such as 2024-05-31 (YYYY-MM-DD)", `"2024-02-29T00:00:00Z"`: "must be a date such as 2024-05-31 (YYYY-MM-DD)", `""`: "must be a date such as 2024-05-31 (YYYY-MM-DD)"} {
		var d web.Date
		if err := json.Unmarshal([]byte(in), &d); err != nil || d.Problem() != want {
			t.Errorf("%s = %+v, %v; want problem %q", in, d, err, want)
		}
	}
	var d web.Date
	if err := json.Unmarshal([]byte(`20240229`), &d); err == nil {
		t.Error("a number decoded as a date")
	}
	b, err := json.Marshal(mustParse(t, "2024-02-29"))
	if err != nil || string(b) != `"2024-02-29"` {
		t.Errorf("date encodes as %s, %v", b, err)
	}
}

func mustParse(t *testing.T, s string) (d web.Date) {
	t.Helper()
	if err := json.Unmarshal([]byte(`"`+s+`"`), &d); err != nil || d.Problem() != "" {
		t.Fatalf("%s: %v %s", s, err, d.Problem())
	}
	return d
}
