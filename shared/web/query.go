package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"example.com/bookapp/shared/errs"
)

// A Query reads the query parameters of a request into the typed values a
// service takes, and keeps what is wrong with them for Err, by parameter
// name. It checks their type only, as Decode does for a JSON body: a
// service checks the ranges (a page size of 1 to 1000) and the rules.
//
//	q := web.QueryOf(r)
//	in := service.ListQuery{All: q.Bool("all"), PageSize: q.Int("pageSize"), Cursor: q.String("cursor")}
//	if err := q.Err(); err != nil {
//		return err
//	}
//
// A parameter given more than once counts with its first value.
type Query struct {
	values url.Values
	bad    errs.Fields
}

// QueryOf returns the query parameters of r.
func QueryOf(r *http.Request) *Query {
	return &Query{values: r.URL.Query(), bad: errs.Fields{}}
}

// String returns the parameter name, "" when absent.
func (q *Query) String(name string) string { return q.values.Get(name) }

// Int returns the parameter name as a whole number in plain digits (no
// sign, no spaces), or nil when it is absent. A number too large for an int
// reads as math.MaxInt, so that the service's range check names it.
func (q *Query) Int(name string) *int {
	s := q.values.Get(name)
	if s == "" {
		return nil
	}
	if strings.Trim(s, "0123456789") != "" {
		q.bad.Check(name, true, "must be a whole number")
		return nil
	}
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		n = math.MaxInt
	}
	return &n
}

// Bool returns the parameter name: true for "true", false for "false" or
// when absent.
func (q *Query) Bool(name string) bool {
	switch q.values.Get(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.bad.Check(name, true, "must be true or false")
	return false
}

// Bad records what is wrong with the shape of the parameter name, for a
// handler that reads one these methods do not: a year that must have four
// digits.
func (q *Query) Bad(name, msg string) { q.bad.Check(name, true, msg) }

// Err returns one errs.Invalid naming every parameter of the wrong type, or
// nil.
func (q *Query) Err() error { return q.bad.Err(errs.Invalid) }
