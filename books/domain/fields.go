package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"example.com/bookapp/shared/errs"
)

// fieldErrors collects what is wrong with each field of one input, keyed by
// the field's JSON path in the API ("authors[2]"), so that a client learns
// every problem at once.
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

// line checks a one-line text field after trimming surrounding space: valid
// UTF-8, no control characters, at most max characters (runes), and not empty
// when required. It returns the trimmed value.
func (f fieldErrors) line(field, value string, required bool, max int) string {
	return f.text(field, value, required, max, unicode.IsControl)
}

// paragraphs checks a free-text field like line does, but lets line breaks
// and tabs through: a description or a comment may have paragraphs.
func (f fieldErrors) paragraphs(field, value string, max int) string {
	return f.text(field, value, false, max, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	})
}

func (f fieldErrors) text(field, value string, required bool, max int, forbidden func(rune) bool) string {
	v := strings.TrimSpace(value)
	f.check(field, !utf8.ValidString(v), "must be valid UTF-8")
	f.check(field, strings.ContainsFunc(v, forbidden), "must not contain control characters")
	f.check(field, required && v == "", "is required")
	f.check(field, utf8.RuneCountInString(v) > max, fmt.Sprintf("must be at most %d characters", max))
	return v
}

// date checks a calendar date and returns it as midnight UTC, the form in
// which dates are compared and stored.
func (f fieldErrors) date(field string, d time.Time) time.Time {
	f.check(field, d.IsZero(), "is required")
	f.check(field, d.Year() < 1 || d.Year() > 9999, "must be a date between 0001-01-01 and 9999-12-31")
	return dateOf(d)
}

// names checks a list of names, each a line of at most max characters, with
// no duplicates and between min and maxCount of them. Problems with one name
// are keyed by its path (authors[2]); problems with the list by the list's
// field. It returns the trimmed names.
func (f fieldErrors) names(field string, values []string, min, maxCount, max int) []string {
	f.check(field, len(values) < min || len(values) > maxCount, countMessage(min, maxCount))
	out := make([]string, len(values))
	first := make(map[string]int, len(values))
	for i, v := range values {
		path := fmt.Sprintf("%s[%d]", field, i)
		out[i] = f.line(path, v, true, max)
		if j, dup := first[out[i]]; dup && out[i] != "" {
			f.check(path, true, fmt.Sprintf("duplicates %s[%d]", field, j))
			continue
		}
		first[out[i]] = i
	}
	return out
}

func countMessage(min, max int) string {
	if min == 0 {
		return fmt.Sprintf("must have at most %d entries", max)
	}
	return fmt.Sprintf("must have %d to %d entries", min, max)
}

// dateOf returns the calendar day of t (in t's location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// storageTime returns t in UTC at the microsecond precision PostgreSQL keeps,
// so that a value read back equals the one written.
func storageTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
