package errs_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"example.com/bookapp/shared/errs"
)

func TestFieldsKeepTheFirstProblemOfAField(t *testing.T) {
	f := errs.Fields{}
	f.Check("title", false, "is fine")
	f.Check("title", true, "is required")
	f.Check("title", true, "must be at most 200 characters")
	f.Check("price", true, "must not be negative")
	err := f.Err(errs.Invalid)
	if !errors.Is(err, errs.Invalid) {
		t.Fatalf("Err(Invalid) = %v, want an errs.Invalid", err)
	}
	want := map[string]string{"title": "is required", "price": "must not be negative"}
	if got := errs.FieldsOf(err); !maps.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	// The error is a copy: later checks do not change it.
	f.Check("authors", true, "is required")
	if _, ok := errs.FieldsOf(err)["authors"]; ok {
		t.Error("a check after Err changed the returned error")
	}
}

func TestFieldsWithoutProblemsAreNoError(t *testing.T) {
	f := errs.Fields{}
	f.Check("title", false, "is required")
	if err := f.Err(errs.RuleBroken); err != nil {
		t.Errorf("Err with no problem = %v, want nil", err)
	}
}

func TestFieldsMerge(t *testing.T) {
	f := errs.Fields{"lines": "must have at least one line"}
	f.Merge(nil)
	f.Merge(errors.New("no fields"))
	f.Merge(errs.WithFields(errs.Invalid, map[string]string{
		"lines":           "must have at most 50 lines",
		"Idempotency-Key": "must be at most 255 characters",
	}))
	want := map[string]string{"lines": "must have at least one line", "Idempotency-Key": "must be at most 255 characters"}
	if got := errs.FieldsOf(f.Err(errs.Invalid)); !maps.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
}

func TestFieldsText(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		required    bool
		paragraphs  bool
		want, msg   string
	}{
		{name: "trimmed", value: "  Dune \n", required: true, want: "Dune"},
		{name: "required", value: "   ", required: true, msg: "is required"},
		{name: "optional empty", value: "", want: ""},
		{name: "too long", value: strings.Repeat("é", 11), msg: "must be at most 10 characters"},
		{name: "ten runes", value: strings.Repeat("é", 10), want: strings.Repeat("é", 10)},
		{name: "control", value: "a\x00b", msg: "must not contain control characters"},
		{name: "line break in a line", value: "a\nb", msg: "must not contain control characters"},
		{name: "line break in paragraphs", value: "a\n\tb", paragraphs: true, want: "a\n\tb"},
		{name: "control in paragraphs", value: "a\x07b", paragraphs: true, msg: "must not contain control characters"},
		{name: "bad UTF-8", value: "a\xffb", msg: "must be valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := errs.Fields{}
			var got string
			if tc.paragraphs {
				got = f.Paragraphs("comment", tc.value, 10)
			} else {
				got = f.Line("comment", tc.value, tc.required, 10)
			}
			if f["comment"] != tc.msg {
				t.Errorf("problem = %q, want %q", f["comment"], tc.msg)
			}
			if tc.msg == "" && got != tc.want {
				t.Errorf("value = %q, want %q", got, tc.want)
			}
		})
	}
}
