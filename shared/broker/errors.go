package broker

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

var (
	// ErrNoHandler is wrapped by the error of an Ask, or of Verify, for a
	// name that no context handles.
	ErrNoHandler = errors.New("broker: no handler")

	// ErrDuplicateHandler is wrapped by the error of a Handle for a name that
	// already has a handler. Each name has exactly one provider.
	ErrDuplicateHandler = errors.New("broker: duplicate handler")

	// ErrHandlerPanic is wrapped by the *PanicError that Ask returns when a
	// handler panics.
	ErrHandlerPanic = errors.New("broker: handler panicked")

	// ErrCycle is wrapped by the error of an Ask whose request or reply
	// holds a reference cycle (a pointer, slice or map that leads back to
	// itself): the broker copies trees, and a cycle has no end to copy to.
	ErrCycle = errors.New("broker: value has a reference cycle")
)

// PanicError is the error Ask returns when a handler panics. The panic is
// recovered, so one broken handler fails its asks instead of the process.
type PanicError struct {
	Name  string // the name the handler is registered under
	Value any    // the value the handler panicked with
	Stack []byte // the panicking goroutine's stack, for the log; not in Error()
}

// Error names the handler and the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("broker: handler %q panicked: %v", e.Name, e.Value)
}

// Unwrap makes errors.Is(err, ErrHandlerPanic) true, and lets errors.Is and
// errors.As see the panic value when it is an error.
func (e *PanicError) Unwrap() []error {
	if err, ok := e.Value.(error); ok {
		return []error{ErrHandlerPanic, err}
	}
	return []error{ErrHandlerPanic}
}

// MappingError says why an asker's types and a handler's types do not map.
// Verify, and an Ask of a route that Verify did not check, return it.
type MappingError struct {
	Name      string          // the handler's name
	Direction string          // "request" (asker to handler) or "reply" (handler to asker)
	From, To  reflect.Type    // the type copied from and the type copied to
	Fields    []FieldMismatch // every field that does not map, in field order
}

// Error lists every mismatched field on one line.
func (e *MappingError) Error() string {
	fields := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		fields[i] = f.String()
	}
	return fmt.Sprintf("broker: %q %s does not map from %v to %v: %s",
		e.Name, e.Direction, e.From, e.To, strings.Join(fields, "; "))
}

// FieldMismatch is one field that cannot be copied.
type FieldMismatch struct {
	// Path names the field by its matching names from the top of the
	// request or reply, with [] for the elements of a slice, array or map
	// and [key] for a map's keys: "Lines[].Price".
	Path     string
	From, To reflect.Type // the field's type on each side
	Reason   string       // what is wrong, when the two types do not say it
}

// String reads "Lines[].Price: string vs int64".
func (m FieldMismatch) String() string {
	path := m.Path
	if path == "" {
		path = "(value)"
	}
	s := fmt.Sprintf("%s: %v vs %v", path, m.From, m.To)
	if m.Reason != "" {
		s += " (" + m.Reason + ")"
	}
	return s
}
