package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"example.com/bookapp/shared/errs"
)

var errTaken = errs.New(errs.Conflict, "email already registered")

func TestSentinelsWrapTheirKind(t *testing.T) {
	err := fmt.Errorf("register ann@example.com: %w", errTaken)
	if !errors.Is(err, errTaken) {
		t.Error("wrapped sentinel does not match itself")
	}
	if !errors.Is(err, errs.Conflict) {
		t.Error("wrapped sentinel does not match its kind")
	}
	if errors.Is(err, errs.NotFound) {
		t.Error("conflict matches not found")
	}
	if got := errs.KindOf(err); got != errs.Conflict {
		t.Errorf("KindOf = %v, want conflict", got)
	}
	if got := errs.KindOf(errors.New("boom")); got != nil {
		t.Errorf("KindOf(unexpected) = %v, want nil", got)
	}
}

func TestWithFields(t *testing.T) {
	err := fmt.Errorf("place order: %w", errs.WithFields(errs.Invalid, map[string]string{
		"lines[1].quantity": "must be 1..100",
		"acceptTerms":       "must be true",
	}))
	if got, want := errors.Unwrap(err).Error(), "acceptTerms: must be true; lines[1].quantity: must be 1..100"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if got := errs.FieldsOf(err)["lines[1].quantity"]; got != "must be 1..100" {
		t.Errorf("FieldsOf[lines[1].quantity] = %q", got)
	}
	if !errors.Is(err, errs.Invalid) {
		t.Error("field error does not match its kind")
	}
	if errs.FieldsOf(errTaken) != nil || errs.FieldsOf(errors.New("x")) != nil {
		t.Error("FieldsOf of an error without fields is not nil")
	}
}

func TestKindNamed(t *testing.T) {
	for _, k := range []error{errs.Invalid, errs.NotFound, errs.RuleBroken, errs.Unavailable} {
		if got := errs.KindNamed(k.Error()); got != k {
			t.Errorf("KindNamed(%q) = %v, want the kind itself", k.Error(), got)
		}
	}
	if got := errs.KindNamed("boom"); got != nil {
		t.Errorf("KindNamed(boom) = %v, want nil", got)
	}
}
