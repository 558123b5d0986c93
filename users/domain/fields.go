package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/shared/errs"
)

// fieldErrors collects what is wrong with each field of one input, keyed by
// the field's JSON name in the API, so that a client learns every problem at
// once.
type fieldErrors map[string]string

// check records msg for field when bad holds and the field has no problem yet.
func (f fieldErrors) check(field string, bad bool, msg string) {
	if _, seen := f[field]; bad && !seen {
		f[field] = msg
	}
}

// err returns nil when no field is at fault, else one errs.Invalid error
// naming them all.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return errs.WithFields(errs.Invalid, f)
}

// text checks a free-text field after trimming surrounding space: it must be
// valid UTF-8 without control characters, at most max characters (runes)
// long, and non-empty when required. It returns the trimmed value.
func (f fieldErrors) text(field, value string, required bool, max int) string {
	v := strings.TrimSpace(value)
	f.check(field, !utf8.ValidString(v), "must be valid UTF-8")
	f.check(field, strings.ContainsFunc(v, unicode.IsControl), "must not contain control characters")
	f.check(field, required && v == "", "is required")
	f.check(field, utf8.RuneCountInString(v) > max, "must be at most "+strconv.Itoa(max)+" characters")
	return v
}
