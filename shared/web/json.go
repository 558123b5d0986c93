package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// MaxBodyBytes is the largest request body the API reads (413 beyond it).
const MaxBodyBytes = 1 << 20

// Decode reads r's JSON body into a T: the body must be
// Content-Type application/json (else 415), at most MaxBodyBytes (else 413),
// one JSON value with no unknown fields and every value of the right type
// (else 400, naming the field). The error it returns is ready for WriteError.
func Decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return v, &httpError{status: http.StatusUnsupportedMediaType,
			detail: "The request body must be JSON, with Content-Type: application/json."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if tooLarge(err) {
			return v, decodeError(err, nil)
		}
		return v, invalid("The request body could not be read.", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err, body)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, invalid("The request body must hold a single JSON value.", nil)
	}
	return v, nil
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// decodeError turns a json error into a 400 (or 413) naming what is wrong;
// body locates the field at fault.
func decodeError(err error, body []byte) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case tooLarge(err):
		return &httpError{status: http.StatusRequestEntityTooLarge,
			detail: fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes)}
	case errors.Is(err, io.EOF):
		return invalid("The request body is empty; it must be a JSON object.", nil)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("The request body is not valid JSON: it ends too early.", nil)
	case errors.As(err, &syntax):
		return invalid(fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntax.Offset), nil)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return invalid("The request body must be a JSON object.", nil)
		}
		field := pathAt(body, typ.Offset)
		if field == "" {
			field = typ.Field
		}
		return invalid("A field has the wrong type.", map[string]string{field: "must be " + jsonType(typ.Type.Kind().String())})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if n, err := strconv.Unquote(name); err == nil {
			name = n // the decoder quotes the name Go-style
		}
		if name == "" {
			return invalid("The request body has a field with an empty name.", nil)
		}
		field := keyPath(body, name)
		if field == "" {
			field = name
		}
		return invalid("The request body has an unknown field.", map[string]string{field: "unknown field"})
	default:
		return invalid("The request body is not valid JSON.", nil)
	}
}

// pathAt returns the JSON path (lines[2].quantity) of the value that ends at
// offset in body; "" if body is not walkable.
func pathAt(body []byte, offset int64) string {
	return walk(body, func(dec *json.Decoder, _ json.Token, _ bool) bool { return dec.InputOffset() >= offset })
}

// keyPath returns the JSON path of the first object key named name in body
// (the decoder names an unknown field, not where it is); "" if there is none.
func keyPath(body []byte, name string) string {
	return walk(body, func(_ *json.Decoder, tok json.Token, isKey bool) bool { return isKey && tok == name })
}

// walk reads body's tokens until stop is true of the token just read, and
// returns that token's JSON path.
func walk(body []byte, stop func(dec *json.Decoder, tok json.Token, isKey bool) bool) string {
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(body))
	startValue := func() {
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch tok {
		case json.Delim('{'):
			startValue()
			stack = append(stack, frame{})
			expectKey = true
		case json.Delim('['):
			startValue()
			stack = append(stack, frame{array: true, index: -1})
			expectKey = false
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		default:
			if expectKey {
				stack[len(stack)-1].key = tok.(string)
				expectKey = false
				if stop(dec, tok, true) {
					return path(stack)
				}
				continue
			}
			startValue()
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		}
		if stop(dec, tok, false) {
			return path(stack)
		}
	}
}

func path(stack []frame) string {
	var b strings.Builder
	for _, f := range stack {
		if f.array {
			if f.index >= 0 { // -1: the array itself, before its first element
				fmt.Fprintf(&b, "[%d]", f.index)
			}
		} else if f.key != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
	}
	return b.String()
}

// A frame is one open object or array on the way to a JSON value.
type frame struct {
	array bool
	index int
	key   string
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value"
	default:
		return "a number"
	}
}

func invalid(detail string, fields map[string]string) error {
	return &httpError{status: http.StatusBadRequest, detail: detail, fields: fields}
}

// Encode writes v as JSON with status, and a Content-Length. It encodes
// first, so a value that cannot be encoded becomes an error before anything
// is written; an error writing the encoded body (the client went away) is
// reported as a WriteFailed, which Handle logs instead of answering. It
// encodes into a buffer kept from an earlier answer (buffers): a new one
// grew from nothing for every response, copying a page of 100 books
// (30 KB) about ten times over (profiled: 6 % of encoding a page).
func Encode(w http.ResponseWriter, status int, v any) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return &WriteFailed{Err: err}
	}
	return nil
}

// A WriteFailed is an error writing a response whose status line has been
// sent: too late to answer with a problem, so Handle only logs it.
type WriteFailed struct{ Err error }

func (e *WriteFailed) Error() string { return "write response: " + e.Err.Error() }
func (e *WriteFailed) Unwrap() error { return e.Err }

// buffers keeps Encode's buffers between answers.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer put back in buffers: a rare huge
// answer's buffer is left to the garbage collector rather than kept.
const maxPooledBuffer = 256 << 10

func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBuffer {
		return
	}
	buf.Reset()
	buffers.Put(buf)
}
