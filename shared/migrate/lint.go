package migrate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	sqlComment  = regexp.MustCompile(`--[^\n]*`)
	createdName = regexp.MustCompile(`(?i)^(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW|SEQUENCE|TYPE|FUNCTION)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:CONCURRENTLY\s+)?(?:\w+\s+ON\s+)?(?:ONLY\s+)?(\w+)\.`)
	referenced  = regexp.MustCompile(`(?i)\bREFERENCES\s+(\w+)\.`)
	generatedID = regexp.MustCompile(`(?i)\b(smallserial|bigserial|serial|identity)\b`)
)

// Lint checks src's files against the data rules of the architecture, which
// keep each schema portable to distributed PostgreSQL-compatible engines: one
// statement per file, the object it creates or changes qualified with the
// source's own schema, no foreign key into another schema, no serial or
// identity columns (ids are UUIDv7 made in Go). It reads the SQL with simple
// patterns, not a parser: it is a guard for a context's test suite, and a
// semicolon inside a string literal would fool it.
func Lint(src Source) error {
	var problems []error
	for _, f := range src.Files {
		sql := strings.TrimSpace(sqlComment.ReplaceAllString(f.SQL, ""))
		if n := strings.Count(sql, ";"); n > 1 || (n == 1 && !strings.HasSuffix(sql, ";")) {
			problems = append(problems, fmt.Errorf("%s: %d statements; put each in a file of its own", f.Name, n))
		}
		if m := createdName.FindStringSubmatch(sql); m == nil || m[1] != src.Schema {
			problems = append(problems, fmt.Errorf("%s: want one CREATE, ALTER or DROP of a %s.* object, qualified with the schema", f.Name, src.Schema))
		}
		for _, ref := range referenced.FindAllStringSubmatch(sql, -1) {
			if ref[1] != src.Schema {
				problems = append(problems, fmt.Errorf("%s: foreign key into schema %s; contexts share no keys", f.Name, ref[1]))
			}
		}
		if generatedID.MatchString(sql) {
			problems = append(problems, fmt.Errorf("%s: serial or identity column; ids are UUIDv7 made in Go", f.Name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("migrate: %s: %w", src.Schema, errors.Join(problems...))
	}
	return nil
}
