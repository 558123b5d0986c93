package migrate_test

import (
	"strings"
	"testing"

	"example.com/bookapp/shared/migrate"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want string // "" for no problem
	}{
		{"table", "CREATE TABLE shop.things (id uuid PRIMARY KEY);", ""},
		{"no trailing semicolon", "CREATE TABLE shop.things (id uuid PRIMARY KEY)", ""},
		{"index with comment", "-- names; sorted\nCREATE UNIQUE INDEX things_name ON shop.things (lower(name));", ""},
		{"alter", "ALTER TABLE shop.things ADD COLUMN name text NOT NULL DEFAULT '';", ""},
		{"own foreign key", "CREATE TABLE shop.parts (id uuid PRIMARY KEY, thing uuid REFERENCES shop.things (id));", ""},
		{"two statements", "CREATE TABLE shop.a (id uuid); CREATE TABLE shop.b (id uuid);", "2 statements"},
		{"unqualified", "CREATE TABLE things (id uuid);", "qualified with the schema"},
		{"other schema", "CREATE TABLE books.things (id uuid);", "qualified with the schema"},
		{"cross-schema key", "CREATE TABLE shop.lines (book uuid REFERENCES books.books (id));", "foreign key into schema books"},
		{"serial", "CREATE TABLE shop.things (id bigserial PRIMARY KEY);", "serial or identity"},
		{"identity", "CREATE TABLE shop.things (id bigint GENERATED ALWAYS AS IDENTITY);", "serial or identity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, "shop", map[string]string{"0001_x.sql": tt.sql})
			err := migrate.Lint(src)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Lint = %v, want no problem", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Lint = %v, want a problem mentioning %q", err, tt.want)
			}
		})
	}
}
