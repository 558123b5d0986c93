package domain

import (
	"fmt"
	"time"

	"example.com/bookapp/shared/errs"
)

// The books context's field checks beyond errs.Fields' text checks.

// date checks a calendar date and returns it as midnight UTC, the form in
// which dates are compared and stored.
func date(f errs.Fields, field string, d time.Time) time.Time {
	f.Check(field, d.IsZero(), "is required")
	f.Check(field, d.Year() < 1 || d.Year() > 9999, "must be a date between 0001-01-01 and 9999-12-31")
	return dateOf(d)
}

// names checks a list of names, each a line of at most max characters, with
// no duplicates and between min and maxCount of them. Problems with one name
// are keyed by its path (authors[2]); problems with the list by the list's
// field. It returns the trimmed names.
func names(f errs.Fields, field string, values []string, min, maxCount, max int) []string {
	f.Check(field, len(values) < min || len(values) > maxCount, countMessage(min, maxCount))
	out := make([]string, len(values))
	first := make(map[string]int, len(values))
	for i, v := range values {
		path := fmt.Sprintf("%s[%d]", field, i)
		out[i] = f.Line(path, v, true, max)
		if j, dup := first[out[i]]; dup && out[i] != "" {
			f.Check(path, true, fmt.Sprintf("duplicates %s[%d]", field, j))
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
