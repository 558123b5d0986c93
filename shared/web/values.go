package web

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"example.com/bookapp/shared/errs"
)

// The request values whose JSON type is not their whole shape: an Amount is
// a number with at most two decimals, a Date a string that is a day. They
// decode without failing (a wrong JSON type aside) and keep what is wrong,
// so that Check reports it under the field's path beside the others.

// A Checked is a decoded request value that knows what is wrong with it.
type Checked interface {
	Problem() string
}

// Check returns one errs.Invalid naming every field (by JSON path) whose
// value has a Problem, or nil.
func Check(fields map[string]Checked) error {
	bad := errs.Fields{}
	for path, v := range fields {
		p := v.Problem()
		bad.Check(path, p != "", p)
	}
	return bad.Err(errs.Invalid)
}

// maxMoneyDigits bounds the whole units an amount may have in a request
// (below 10^12): far above any price, far below what int64 cents hold, so
// a huge number is refused as too large instead of overflowing.
const maxMoneyDigits = 12

// An Amount is money in a request: a JSON number with at most two decimals
// (29.99), read as integer cents. (Responses write amounts with Money.)
// Decoding never fails on a JSON number: what is wrong with it (too many
// decimals, negative, too large) is kept for Check, which reports it under
// the field's own JSON path; any other JSON value is a type error, which
// Decode reports by path.
type Amount struct {
	Cents   int64
	set     bool   // the field was present and not null
	problem string // why the number is not an amount; "" when it is one
}

// Problem is what is wrong with the amount: "is required" when it was
// absent or null, "" when it is a valid amount.
func (m Amount) Problem() string {
	if !m.set {
		return "is required"
	}
	return m.problem
}

// UnmarshalJSON reads a JSON number into cents; null leaves the amount
// unset. It works on the number's text, so 0.1 + 0.2 never meets floating
// point, and 1e2 is 100.00.
func (m *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*m = Amount{}
		return nil
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		// Not a number: the type error Decode turns into "must be a number".
		return &json.UnmarshalTypeError{Value: "value " + s, Type: reflect.TypeFor[float64]()}
	}
	*m = parseMoney(s)
	return nil
}

// parseMoney reads s, a valid JSON number, as an amount.
func parseMoney(s string) Amount {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mantissa, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mantissa = s[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 1000 || e < -1000 {
			e = 1001 // out of any range below: decided by the digits
			if strings.HasPrefix(s[i+1:], "-") {
				e = -1001
			}
		}
		exp = e
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	point := len(digits) - len(frac) + exp // digits before the decimal point
	digits = strings.TrimRight(digits, "0")
	switch {
	case digits == "":
		return Amount{set: true} // zero, in any spelling (-0, 0.000, 0e9)
	case neg:
		return Amount{set: true, problem: "must not be negative"}
	case point > maxMoneyDigits:
		return Amount{set: true, problem: "is too large"}
	case len(digits)-point > 2:
		return Amount{set: true, problem: "must have at most two decimals"}
	}
	// digits × 10^(point-len(digits)) units, that is × 10^(point-len(digits)+2) cents.
	digits += strings.Repeat("0", point-len(digits)+2)
	cents, err := strconv.ParseInt(digits, 10, 64)
	if err != nil { // cannot happen below maxMoneyDigits; refuse rather than guess
		return Amount{set: true, problem: "is too large"}
	}
	return Amount{Cents: cents, set: true}
}

const dateLayout = "2006-01-02"

// A Date is a calendar day as the API writes it: "YYYY-MM-DD". Like Amount,
// it keeps what is wrong with a string that is not a date for Check to
// report under the field's JSON path; a value that is not a string is a type
// error for Decode.
type Date struct {
	Time    time.Time // midnight UTC
	set     bool      // the field was present and not null
	problem string
}

// DateOf returns the day of t, to encode.
func DateOf(t time.Time) Date { return Date{Time: t, set: true} }

// Problem is what is wrong with the date: "is required" when it was absent
// or null, "" when it is a valid day.
func (d Date) Problem() string {
	if !d.set {
		return "is required"
	}
	return d.problem
}

// MarshalText writes the day as YYYY-MM-DD, which encoding/json writes as
// a JSON string.
func (d Date) MarshalText() ([]byte, error) {
	return d.Time.AppendFormat(make([]byte, 0, len(dateLayout)), dateLayout), nil
}

// UnmarshalJSON reads "YYYY-MM-DD"; null leaves the date unset.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeFor[string]()}
	}
	*d = ParseDate(s)
	if !d.set { // "": present, but no date
		*d = Date{set: true, problem: dateProblem}
	}
	return nil
}

const dateProblem = "must be a date such as 2024-05-31 (YYYY-MM-DD)"

// ParseDate reads a day written YYYY-MM-DD, as an <input type="date"> of a
// page's form sends it; "" is an absent date ("is required").
func ParseDate(s string) Date {
	if s == "" {
		return Date{}
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return Date{set: true, problem: dateProblem}
	}
	return Date{Time: t, set: true}
}

// ParseAmount reads an amount written as a page's form sends it, plain
// digits with at most two decimals ("12.99", "12"); "" is an absent amount
// ("is required"). It checks what Amount's JSON decoding checks.
func ParseAmount(s string) Amount {
	s = strings.TrimSpace(s)
	if s == "" {
		return Amount{}
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return Amount{set: true, problem: "must be an amount such as 12.99"}
	}
	return parseMoney(s)
}

// An Address is a delivery address as the API writes and reads it (the
// shared Address and AddressRequest schemas): users' profile and orders'
// delivery address are the same JSON.
type Address struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"`
}
