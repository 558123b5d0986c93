package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// A Remote carries the asks whose name has no handler in this process to a
// handler in another one, and tells what that handler's types are: the
// transport between processes (the app's bus package does it over NATS).
// Requests and replies cross it as JSON, whose field names are the broker's
// matching names (the json tag name, else the Go name), so each side still
// decodes into its own types.
//
// Ask returns the handler's error with its kind (an *errs.Error of the same
// kind, so that errors.Is(err, errs.NotFound) holds on the asking side too)
// and an error of kind errs.Unavailable when no handler answers. Describe
// waits, until ctx is done, for a handler of name to answer.
type Remote interface {
	Ask(ctx context.Context, name string, req []byte) ([]byte, error)
	Describe(ctx context.Context, name string) (Signature, error)
}

// WithRemote has the broker send every Ask whose name has no handler in
// this process through r, and Verify check those names against the types r
// describes. A context cannot tell: its Ask, its types and its errors are
// the same.
func WithRemote(r Remote) Option {
	return func(b *Broker) { b.remote = r }
}

// Names returns the names of the handlers registered in this process,
// sorted: what a Remote serves to other processes.
func (b *Broker) Names() []string {
	handlers := *b.handlers.Load()
	names := make([]string, 0, len(handlers))
	for name := range handlers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Serve runs the handler of name on a request that came from another
// process as JSON, and returns its reply as JSON: the serving side of a
// Remote. The request is decoded into the handler's own request type (fields
// by name, as encoding/json does); a request that does not decode is an
// error of the handler's contract, like a panic.
func (b *Broker) Serve(ctx context.Context, name string, req []byte) ([]byte, error) {
	h := (*b.handlers.Load())[name]
	if h == nil {
		return nil, fmt.Errorf("%w for %q", ErrNoHandler, name)
	}
	return h.serve(ctx, req)
}

// Signature is what a handler's types look like to another process: its
// request and reply types described field by field as the broker maps them.
type Signature struct {
	Request TypeDesc `json:"request"`
	Reply   TypeDesc `json:"reply"`
}

// Signature describes the types of the handler of name in this process.
func (b *Broker) Signature(name string) (Signature, error) {
	h := (*b.handlers.Load())[name]
	if h == nil {
		return Signature{}, fmt.Errorf("%w for %q", ErrNoHandler, name)
	}
	req, err := Describe(h.req)
	if err != nil {
		return Signature{}, fmt.Errorf("broker: %q: request: %w", name, err)
	}
	rep, err := Describe(h.rep)
	if err != nil {
		return Signature{}, fmt.Errorf("broker: %q: reply: %w", name, err)
	}
	return Signature{Request: req, Reply: rep}, nil
}

// TypeDesc describes a type as the broker maps it: its kind, and what the
// mapping rules look at — a struct's fields by matching name, an array's
// length, the element and key types. Named types of the same kind map
// whatever their names, so only the kind is kept; the types that map only
// to themselves (a struct without exported fields such as time.Time) are
// kept by name, and another process knows them only if it is one of
// knownTypes.
type TypeDesc struct {
	Kind   string      `json:"kind"`             // reflect.Kind's name, or "named"
	Name   string      `json:"name,omitempty"`   // of a named type: "time.Time"
	Len    int         `json:"len,omitempty"`    // of an array
	Key    *TypeDesc   `json:"key,omitempty"`    // of a map
	Elem   *TypeDesc   `json:"elem,omitempty"`   // of an array, slice, pointer or map
	Fields []FieldDesc `json:"fields,omitempty"` // of a struct, by matching name
}

// FieldDesc is one field of a struct as the broker matches it.
type FieldDesc struct {
	Name string   `json:"name"`
	Type TypeDesc `json:"type"`
}

// knownTypes are the types that map only to themselves and may still cross
// processes: both sides know them by name.
var knownTypes = map[string]reflect.Type{
	"time.Time": reflect.TypeFor[time.Time](),
}

// maxDepth bounds how deep a description goes, which also stops a type that
// contains itself: such types cannot cross processes.
const maxDepth = 32

var scalarTypes = map[reflect.Kind]reflect.Type{
	reflect.Bool: reflect.TypeFor[bool](), reflect.String: reflect.TypeFor[string](),
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](), reflect.Int16: reflect.TypeFor[int16](),
	reflect.Int32: reflect.TypeFor[int32](), reflect.Int64: reflect.TypeFor[int64](),
	reflect.Uint: reflect.TypeFor[uint](), reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](),
	reflect.Uint32: reflect.TypeFor[uint32](), reflect.Uint64: reflect.TypeFor[uint64](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
}

// Describe describes t for another process, which rebuilds it with
// TypeDesc.Type and checks it with Mappable: how the broker's handlers and
// the outbox's events are checked across processes.
func Describe(t reflect.Type) (TypeDesc, error) { return describe(t, 0) }

func describe(t reflect.Type, depth int) (TypeDesc, error) {
	if depth > maxDepth {
		return TypeDesc{}, fmt.Errorf("%v nests too deep (or contains itself) to cross processes", t)
	}
	if _, ok := scalarTypes[t.Kind()]; ok {
		return TypeDesc{Kind: t.Kind().String()}, nil
	}
	elem := func(e reflect.Type) (*TypeDesc, error) {
		d, err := describe(e, depth+1)
		return &d, err
	}
	switch t.Kind() {
	case reflect.Array, reflect.Slice, reflect.Pointer:
		e, err := elem(t.Elem())
		return TypeDesc{Kind: t.Kind().String(), Len: arrayLen(t), Elem: e}, err
	case reflect.Map:
		k, err := elem(t.Key())
		if err != nil {
			return TypeDesc{}, err
		}
		e, err := elem(t.Elem())
		return TypeDesc{Kind: "map", Key: k, Elem: e}, err
	case reflect.Struct:
		fields := fieldsOf(t)
		if t.NumField() == 0 || len(fields) > 0 {
			d := TypeDesc{Kind: "struct", Fields: make([]FieldDesc, 0, len(fields))}
			for _, f := range fields {
				if f.ambiguous || f.hidden {
					continue // mapping refuses or reaches around them
				}
				fd, err := describe(f.typ, depth+1)
				if err != nil {
					return TypeDesc{}, fmt.Errorf("%s: %w", f.key, err)
				}
				d.Fields = append(d.Fields, FieldDesc{Name: f.key, Type: fd})
			}
			return d, nil
		}
	}
	name := t.String()
	if t.PkgPath() != "" {
		name = t.PkgPath() + "." + t.Name()
	}
	if knownTypes[name] == nil {
		return TypeDesc{}, fmt.Errorf("%v maps only to itself, and other processes do not know it", t)
	}
	return TypeDesc{Kind: "named", Name: name}, nil
}

func arrayLen(t reflect.Type) int {
	if t.Kind() == reflect.Array {
		return t.Len()
	}
	return 0
}

// Type builds a Go type that the broker maps exactly as the described one:
// anonymous structs whose fields carry the matching names as json tags,
// scalars of the described kinds.
func (d TypeDesc) Type() (reflect.Type, error) {
	if t := knownTypes[d.Name]; d.Kind == "named" && t != nil {
		return t, nil
	}
	for k, t := range scalarTypes {
		if k.String() == d.Kind {
			return t, nil
		}
	}
	sub := func(s *TypeDesc) (reflect.Type, error) {
		if s == nil {
			return nil, fmt.Errorf("a %s without its element type", d.Kind)
		}
		return s.Type()
	}
	switch d.Kind {
	case "array", "slice", "ptr":
		e, err := sub(d.Elem)
		switch {
		case err != nil:
			return nil, err
		case d.Kind == "array":
			return reflect.ArrayOf(d.Len, e), nil
		case d.Kind == "slice":
			return reflect.SliceOf(e), nil
		}
		return reflect.PointerTo(e), nil
	case "map":
		k, err := sub(d.Key)
		if err != nil {
			return nil, err
		}
		e, err := sub(d.Elem)
		if err != nil {
			return nil, err
		}
		if !k.Comparable() {
			return nil, fmt.Errorf("a map key of type %v", k)
		}
		return reflect.MapOf(k, e), nil
	case "struct":
		fields := make([]reflect.StructField, len(d.Fields))
		for i, f := range d.Fields {
			t, err := f.Type.Type()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: t,
				Tag: reflect.StructTag(`json:` + strconv.Quote(f.Name))}
		}
		return reflect.StructOf(fields), nil
	}
	return nil, fmt.Errorf("a type of kind %q, which this process does not know", d.Kind)
}

// verifyRemote checks expectation x against the handler that the remote
// describes, with the same rules as a local handler.
func (b *Broker) verifyRemote(ctx context.Context, x expectation) error {
	sig, err := b.remote.Describe(ctx, x.name)
	if err != nil {
		return fmt.Errorf("%w for %q in this process or another (expected as Ask[%v, %v] at %s): %w", ErrNoHandler, x.name, x.req, x.rep, x.at, err)
	}
	req, err := sig.Request.Type()
	if err != nil {
		return fmt.Errorf("broker: %q: the remote handler's request: %w", x.name, err)
	}
	rep, err := sig.Reply.Type()
	if err != nil {
		return fmt.Errorf("broker: %q: the remote handler's reply: %w", x.name, err)
	}
	return errors.Join(Mappable(x.name, "request", x.req, req), Mappable(x.name, "reply", rep, x.rep))
}

// askRemote sends req through the broker's remote, as JSON, and decodes the
// reply into Rep.
func askRemote[Req, Rep any](ctx context.Context, b *Broker, name string, req Req) (Rep, error) {
	var rep Rep
	body, err := json.Marshal(req)
	if err != nil {
		return rep, fmt.Errorf("broker: Ask %q: encode the request: %w", name, err)
	}
	out, err := b.remote.Ask(ctx, name, body)
	if cerr := ctx.Err(); cerr != nil {
		return rep, cerr
	}
	if err != nil {
		return rep, err
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return *new(Rep), fmt.Errorf("broker: Ask %q: decode the reply: %w", name, err)
	}
	return rep, nil
}

// newServe returns the JSON form of h, for Serve.
func newServe[Req, Rep any](name string, h func(context.Context, Req) (Rep, error)) func(context.Context, []byte) ([]byte, error) {
	return func(ctx context.Context, body []byte) ([]byte, error) {
		var req Req
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("broker: %q: decode the request: %w", name, err)
		}
		rep, err := invoke(ctx, name, h, req)
		if err != nil {
			return nil, err
		}
		return json.Marshal(rep)
	}
}
