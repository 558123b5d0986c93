package archtest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQualifiedNames(t *testing.T) {
	tests := []struct {
		sql  string
		want []string // "schema off text"
	}{
		{"SELECT title FROM books.books WHERE id = $1", []string{"books 18 books.books"}},
		{"select * from BOOKS.Books", []string{"books 14 BOOKS.Books"}},
		{`SELECT tag FROM "books"."book tags"`, []string{`books 16 "books"."book tags"`}},
		{`SELECT 1 FROM books."book tags", "Books".x, "bo""oks".y`, []string{
			`books 14 books."book tags"`, `Books 33 "Books".x`, `bo"oks 44 "bo""oks".y`,
		}},
		{"SELECT books . title FROM orders.books", []string{"books 7 books . title", "orders 26 orders.books"}},
		{"SELECT orders.books.title", []string{"orders 7 orders.books"}}, // the first part is the schema
		{"SELECT books.* FROM t", nil},
		{"SELECT 1.5, x FROM t", nil},
		{"-- books.x\nSELECT orders.y", []string{"orders 18 orders.y"}},
		{"/* a /* books.x */ books.y */ SELECT orders.z", []string{"orders 37 orders.z"}},
		{"/* books.x", nil},
		{"SELECT 'books.x', 'it''s books.y', E'\\'books.z', e'a' || books.w", []string{"books 57 books.w"}},
		{"CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM books.books $$ LANGUAGE sql",
			[]string{"books 59 books.books"}}, // a function's body is SQL
		{"SELECT 'unclosed books.x", nil},
		{"SELECT \"unclosed.x", nil},
		{"SELECT pg_catalog.now(), public.t, ünïcode.x", []string{"pg_catalog 7 pg_catalog.now", "public 25 public.t", "ünïcode 35 ünïcode.x"}},
	}
	for _, tt := range tests {
		var got []string
		for _, n := range qualifiedNames(tt.sql, sqlTokens(tt.sql)) {
			got = append(got, fmt.Sprintf("%s %d %s", n.schema, n.off, n.text))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("qualifiedNames(%q) (-want +got):\n%s", tt.sql, diff)
		}
	}
}

func TestHasSQLKeyword(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"books.sales", false},
		{"SELECT 1", true},
		{"delete from t", true},
		{"Returning", true},
		{"selected books.sales", false},            // whole words only
		{`"select".x`, false},                      // a quoted identifier
		{"-- select\nbooks.sales", false},          // a comment
		{"books.sales 'from here'", false},         // a string constant
		{"relay to books.sales from orders", true}, // the price of a heuristic
	}
	for _, tt := range tests {
		if got := hasSQLKeyword(sqlTokens(tt.text)); got != tt.want {
			t.Errorf("hasSQLKeyword(%q) = %t, want %t", tt.text, got, tt.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct {
		lit   string
		value string
		src   []int
	}{
		{"`a\r\nb`", "a\nb", []int{1, 3, 4}},
		{`"a\"b"`, `a"b`, []int{1, 2, 4}},
		{`"\tx\xffé"`, "\tx\xffé", []int{1, 3, 4, 8, 8}},
		{`"\u00e9."`, "é.", []int{1, 1, 7}},
		{`""`, "", nil},
	}
	for _, tt := range tests {
		value, src := unquote(tt.lit)
		if value != tt.value || !cmp.Equal(src, tt.src) {
			t.Errorf("unquote(%s) = %q, %v; want %q, %v", tt.lit, value, src, tt.value, tt.src)
		}
	}
}

func TestPositionAdvance(t *testing.T) {
	start := Position{File: "f", Line: 3, Col: 5}
	tests := []struct {
		text string
		want Position
	}{
		{"", start},
		{"abc", Position{File: "f", Line: 3, Col: 8}},
		{"ab\n", Position{File: "f", Line: 4, Col: 1}},
		{"a\n\n  b", Position{File: "f", Line: 5, Col: 4}},
	}
	for _, tt := range tests {
		if got := start.advance(tt.text); got != tt.want {
			t.Errorf("advance(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
