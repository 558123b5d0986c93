package errs

import (
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields collects what is wrong with the fields of one input, keyed by the
// field's JSON path in the API (authors[2], lines[0].quantity), so that a
// client learns every problem at once. It is the one way the contexts build
// field errors:
//
//	f := errs.Fields{}
//	title := f.Line("title", in.Title, true, 200)
//	f.Check("price", in.PriceCents < 0, "must not be negative")
//	if err := f.Err(errs.Invalid); err != nil {
//		return err
//	}
//
// A field keeps its first problem: the checks of one field go from the most
// basic (valid text) to the most specific (length), and the first that fails
// is the one the client needs to fix first.
type Fields map[string]string

// Check records msg for field when bad holds and the field has no problem
// yet.
func (f Fields) Check(field string, bad bool, msg string) {
	if _, seen := f[field]; bad && !seen {
		f[field] = msg
	}
}

// Merge records the fields of err, an Error of any kind (nil or an error
// without fields adds nothing), keeping a field's first problem.
func (f Fields) Merge(err error) {
	for field, msg := range FieldsOf(err) {
		f.Check(field, true, msg)
	}
}

// Err returns nil when no field is at fault, else one Error of kind
// (Invalid, or RuleBroken for fields that are well-formed but break a rule)
// naming them all.
func (f Fields) Err(kind error) error {
	if len(f) == 0 {
		return nil
	}
	return WithFields(kind, maps.Clone(f))
}

// Line checks a one-line text field after trimming surrounding space: valid
// UTF-8, no control characters, at most max characters (runes), and not
// empty when required. It returns the trimmed value.
func (f Fields) Line(field, value string, required bool, max int) string {
	return f.text(field, value, required, max, unicode.IsControl)
}

// Paragraphs checks an optional free-text field like Line does, but lets
// line breaks and tabs through: a description or a comment may have
// paragraphs.
func (f Fields) Paragraphs(field, value string, max int) string {
	return f.text(field, value, false, max, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	})
}

func (f Fields) text(field, value string, required bool, max int, forbidden func(rune) bool) string {
	v := strings.TrimSpace(value)
	f.Check(field, !utf8.ValidString(v), "must be valid UTF-8")
	f.Check(field, strings.ContainsFunc(v, forbidden), "must not contain control characters")
	f.Check(field, required && v == "", "is required")
	f.Check(field, utf8.RuneCountInString(v) > max, fmt.Sprintf("must be at most %d characters", max))
	return v
}
