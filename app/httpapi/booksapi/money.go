package booksapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// maxMoneyDigits bounds the whole units an amount may have in a request
// (below 10^12): far above any price, far below what int64 cents hold, so
// a huge number is refused as too large instead of overflowing.
const maxMoneyDigits = 12

// money is an amount in a request: a JSON number with at most two decimals
// (29.99), read as integer cents. (Responses write amounts with web.Money.)
// Decoding never fails on a JSON number: what is wrong with it (too many
// decimals, negative, too large) is kept for the handler, which reports it
// under the field's own JSON path; any other JSON value is a type error,
// which web.Decode reports by path.
type money struct {
	cents   int64
	set     bool   // the field was present and not null
	problem string // why the number is not an amount; "" when it is one
}

// UnmarshalJSON reads a JSON number into cents; null leaves the amount
// unset. It works on the number's text, so 0.1 + 0.2 never meets floating
// point, and 1e2 is 100.00.
func (m *money) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*m = money{}
		return nil
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		// Not a number: the type error web.Decode turns into "must be a number".
		return &json.UnmarshalTypeError{Value: "value " + s, Type: reflect.TypeFor[float64]()}
	}
	*m = parseMoney(s)
	return nil
}

// parseMoney reads s, a valid JSON number, as an amount.
func parseMoney(s string) money {
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
		return money{set: true} // zero, in any spelling (-0, 0.000, 0e9)
	case neg:
		return money{set: true, problem: "must not be negative"}
	case point > maxMoneyDigits:
		return money{set: true, problem: "is too large"}
	case len(digits)-point > 2:
		return money{set: true, problem: "must have at most two decimals"}
	}
	// digits × 10^(point-len(digits)) units, that is × 10^(point-len(digits)+2) cents.
	digits += strings.Repeat("0", point-len(digits)+2)
	cents, err := strconv.ParseInt(digits, 10, 64)
	if err != nil { // cannot happen below maxMoneyDigits; refuse rather than guess
		return money{set: true, problem: "is too large"}
	}
	return money{cents: cents, set: true}
}
