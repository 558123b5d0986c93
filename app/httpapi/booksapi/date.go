package booksapi

import (
	"encoding/json"
	"reflect"
	"time"
)

const dateLayout = "2006-01-02"

// date is a calendar day as the API writes it: "YYYY-MM-DD". Like money, it
// keeps what is wrong with a string that is not a date for the handler to
// report under the field's JSON path; a value that is not a string is a type
// error for web.Decode.
type date struct {
	t       time.Time // midnight UTC
	set     bool      // the field was present and not null
	problem string
}

// dateOf returns the day of t, to encode.
func dateOf(t time.Time) date { return date{t: t, set: true} }

// MarshalJSON writes the day as "YYYY-MM-DD".
func (d date) MarshalJSON() ([]byte, error) {
	return d.appendJSON(make([]byte, 0, len(dateLayout)+2)), nil
}

// appendJSON appends the day as MarshalJSON writes it. The layout writes
// only digits and dashes, which need no escaping.
func (d date) appendJSON(b []byte) []byte {
	return append(d.t.AppendFormat(append(b, '"'), dateLayout), '"')
}

// UnmarshalJSON reads "YYYY-MM-DD"; null leaves the date unset.
func (d *date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeFor[string]()}
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		*d = date{set: true, problem: "must be a date such as 2024-05-31"}
		return nil
	}
	*d = date{t: t, set: true}
	return nil
}
