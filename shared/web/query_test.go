package web_test

import (
	"maps"
	"math"
	"net/http/httptest"
	"testing"

	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
)

func TestQueryInt(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  *int
		msg   string
	}{
		{query: "", want: nil},
		{query: "n=", want: nil},
		{query: "n=0", want: new(0)},
		{query: "n=42", want: new(42)},
		{query: "n=007", want: new(7)},
		{query: "n=42&n=x", want: new(42)},
		{query: "n=99999999999999999999", want: new(math.MaxInt)},
		{query: "n=-1", msg: "must be a whole number"},
		{query: "n=%2B1", msg: "must be a whole number"},
		{query: "n=3.5", msg: "must be a whole number"},
		{query: "n=%2010", msg: "must be a whole number"},
		{query: "n=ten", msg: "must be a whole number"},
	} {
		q := web.QueryOf(httptest.NewRequest("GET", "/?"+tc.query, nil))
		got := q.Int("n")
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("%q: Int = %v, want %v", tc.query, deref(got), deref(tc.want))
		}
		if msg := errs.FieldsOf(q.Err())["n"]; msg != tc.msg {
			t.Errorf("%q: problem %q, want %q", tc.query, msg, tc.msg)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestQueryBool(t *testing.T) {
	for query, want := range map[string]bool{"": false, "b=false": false, "b=true": true, "b=true&b=1": true} {
		q := web.QueryOf(httptest.NewRequest("GET", "/?"+query, nil))
		if got := q.Bool("b"); got != want || q.Err() != nil {
			t.Errorf("%q: Bool = %v, %v; want %v, nil", query, got, q.Err(), want)
		}
	}
	for _, query := range []string{"b=1", "b=TRUE", "b=yes", "b=%20true"} {
		q := web.QueryOf(httptest.NewRequest("GET", "/?"+query, nil))
		if got := q.Bool("b"); got || errs.FieldsOf(q.Err())["b"] != "must be true or false" {
			t.Errorf("%q: Bool = %v, %v; want false and a problem", query, got, q.Err())
		}
	}
}

func TestQueryNamesEveryBadParameter(t *testing.T) {
	q := web.QueryOf(httptest.NewRequest("GET", "/?all=1&pageSize=x&cursor=abc", nil))
	q.Bool("all")
	q.Int("pageSize")
	if got := q.String("cursor"); got != "abc" {
		t.Errorf("String = %q", got)
	}
	want := map[string]string{"all": "must be true or false", "pageSize": "must be a whole number"}
	if got := errs.FieldsOf(q.Err()); !maps.Equal(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}

func TestQueryBadKeepsTheFirstProblem(t *testing.T) {
	q := web.QueryOf(httptest.NewRequest("GET", "/?year=20x", nil))
	q.Int("year")
	q.Bad("year", "must be a year (YYYY)")
	q.Bad("tag", "must be a tag")
	want := map[string]string{"year": "must be a whole number", "tag": "must be a tag"}
	if got := errs.FieldsOf(q.Err()); !maps.Equal(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}
