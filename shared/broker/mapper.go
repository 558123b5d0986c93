package broker

import (
	"maps"
	"reflect"
	"strings"
)

// This file compiles mapping plans: how to copy a value of one type into a
// value of another, decided once per pair of types with reflection. copy.go
// runs them.

// pair is a source and a destination type: the key of a plan.
type pair struct{ src, dst reflect.Type }

// plan copies a value of type src into a zero value of type dst, as a flat
// list of ops, each on a piece of the two values.
type plan struct {
	src, dst reflect.Type
	ops      []op

	ready     bool            // compiled; false while its fields are being compiled
	recursive bool            // its types refer back to themselves, so its values may cycle
	bad       []FieldMismatch // why it cannot run, with paths relative to this plan
}

// op copies one piece of the source value into the destination value.
type op struct {
	code opcode

	// dst and src are the piece's field index paths from the start of each
	// value (as for reflect.Value.FieldByIndex); empty for the value itself.
	dst, src []int

	sub   *plan         // the plan for elements, pointees, map values or a nested struct
	key   *plan         // opMap: the plan for keys
	typ   reflect.Type  // opMap: the destination's type
	empty reflect.Value // opSlice: an empty slice of the destination's type
}

type opcode uint8

const (
	// Assignments.
	opAssign  opcode = iota + 1 // identical types: reflect.Value.Set
	opBool                      // booleans of the same kind whatever their names
	opInt                       // signed integers of the same kind
	opUint                      // unsigned integers of the same kind
	opFloat                     // floating-point numbers of the same kind
	opComplex                   // complex numbers of the same kind
	opString                    // strings

	// Copies into new memory of the destination's types.
	opSlice   // allocate an array and copy the elements through sub
	opArray   // copy the elements through sub
	opPointer // allocate a pointee and copy it through sub
	opMap     // make a map and copy keys through key, values through sub
	opNested  // run sub, a plan still being compiled when this op was made
)

// plan returns the plan that copies src into dst, compiling and caching it
// on first use, or every field that does not map. b.mu must be held.
func (b *Broker) plan(src, dst reflect.Type) (*plan, []FieldMismatch) {
	if p := b.plans[pair{src, dst}]; p != nil {
		return p, nil
	}
	c := compiler{done: b.plans, building: make(map[pair]*plan)}
	p := c.compile(src, dst)
	if len(p.bad) > 0 {
		// Plans made on the way may lean on the broken one (through a
		// recursive type), so none of them is kept.
		return nil, p.bad
	}
	maps.Copy(b.plans, c.building)
	return p, nil
}

// compiler compiles one plan and the plans it needs.
type compiler struct {
	done     map[pair]*plan // plans compiled before, all sound
	building map[pair]*plan // plans of this compilation, some perhaps in progress
}

func (c *compiler) compile(src, dst reflect.Type) *plan {
	k := pair{src, dst}
	if p := c.done[k]; p != nil {
		return p
	}
	if p := c.building[k]; p != nil {
		if !p.ready {
			// A type that contains itself: the caller refers to this
			// plan instead of inlining it, and values must be walked with
			// an eye for cycles.
			p.recursive = true
		}
		return p
	}
	p := &plan{src: src, dst: dst}
	c.building[k] = p
	c.build(p)
	p.ready = true
	return p
}

func (c *compiler) build(p *plan) {
	src, dst := p.src, p.dst
	switch {
	case src == dst && dst.Size() == 0:
		return // nothing to copy
	case src.Kind() == dst.Kind() && isScalar(dst.Kind()):
		// Booleans, numbers and strings of the same kind hold the same
		// values whatever their names: type Cents int64 maps to int64.
		// Identical ones too go through SetInt and its kin, which are
		// cheaper than Set.
		p.ops = []op{{code: scalarCode(dst.Kind())}}
		return
	case src == dst:
		p.ops = []op{{code: opAssign}}
		return
	case src.Kind() != dst.Kind():
		p.fail("", src, dst, "")
		return
	}
	switch dst.Kind() {
	case reflect.Array:
		if src.Len() != dst.Len() {
			p.fail("", src, dst, "")
			return
		}
		elem := c.use(p, "[]", src.Elem(), dst.Elem())
		p.ops = []op{{code: opArray, sub: elem}}
	case reflect.Slice:
		elem := c.use(p, "[]", src.Elem(), dst.Elem())
		p.ops = []op{{code: opSlice, sub: elem, empty: reflect.MakeSlice(dst, 0, 0)}}
	case reflect.Pointer:
		elem := c.use(p, "", src.Elem(), dst.Elem())
		p.ops = []op{{code: opPointer, sub: elem}}
	case reflect.Map:
		key := c.use(p, "[key]", src.Key(), dst.Key())
		elem := c.use(p, "[]", src.Elem(), dst.Elem())
		p.ops = []op{{code: opMap, typ: dst, key: key, sub: elem}}
	case reflect.Struct:
		c.buildStruct(p)
	default: // interfaces, channels, functions, unsafe pointers
		p.fail("", src, dst, "such types must be identical on both sides")
	}
}

// isScalar reports whether k is the kind of a boolean, a number or a string.
func isScalar(k reflect.Kind) bool {
	return k >= reflect.Bool && k <= reflect.Complex128 || k == reflect.String
}

// scalarCode returns the op that assigns a boolean, number or string of kind
// k to one of a type of the same kind.
func scalarCode(k reflect.Kind) opcode {
	switch k {
	case reflect.Bool:
		return opBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return opInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return opUint
	case reflect.Float32, reflect.Float64:
		return opFloat
	case reflect.Complex64, reflect.Complex128:
		return opComplex
	default: // reflect.String
		return opString
	}
}

// buildStruct matches the two structs' fields by name.
func (c *compiler) buildStruct(p *plan) {
	src, dst := p.src, p.dst
	sf, df := fieldsOf(src), fieldsOf(dst)
	if (src.NumField() > 0 && len(sf) == 0) || (dst.NumField() > 0 && len(df) == 0) {
		// time.Time, say: its state is unexported, so copying fields by
		// name would silently copy nothing.
		p.fail("", src, dst, "a struct without exported fields must be the same type on both sides")
		return
	}
	byKey := make(map[string]field, len(sf))
	for _, f := range sf {
		byKey[f.key] = f
	}
	for _, d := range df {
		s, ok := byKey[d.key]
		switch {
		case !ok:
			continue // the destination field stays zero
		case s.ambiguous:
			p.fail(d.key, s.typ, d.typ, "more than one source field has this name")
			continue
		case d.ambiguous:
			p.fail(d.key, s.typ, d.typ, "more than one destination field has this name")
			continue
		case s.typ == d.typ && (s.hidden || d.hidden):
			// reflect lets no one read or set as a whole a value reached
			// through an unexported embedded field, only its exported
			// fields one by one.
			p.ops = assignFields(p, p.ops, d.key, d.typ, d.index, s.index)
			continue
		}
		sub := c.use(p, d.key, s.typ, d.typ)
		if !sub.ready {
			p.ops = append(p.ops, op{code: opNested, dst: d.index, src: s.index, sub: sub})
			continue
		}
		for _, o := range sub.ops { // inlined: the field's ops, on the field
			o.dst = concat(d.index, o.dst)
			o.src = concat(s.index, o.src)
			p.ops = append(p.ops, o)
		}
	}
}

// assignFields appends to ops the assignment, field by field, of a struct of
// type t at the paths dst and src (the same type on both sides) that is
// reached through an unexported embedded field. Its unexported state cannot
// be copied that way, so a struct that has some does not map.
func assignFields(p *plan, ops []op, path string, t reflect.Type, dst, src []int) []op {
	for i := range t.NumField() {
		f := t.Field(i)
		fdst, fsrc := concat(dst, []int{i}), concat(src, []int{i})
		switch {
		case f.Type.Size() == 0:
			// nothing to copy (a blank struct{} or [0]func() marker)
		case f.IsExported():
			ops = append(ops, op{code: opAssign, dst: fdst, src: fsrc})
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			ops = assignFields(p, ops, path, f.Type, fdst, fsrc)
		default:
			p.fail(path, t, t, "an unexported embedded struct with unexported fields cannot be copied; export its type or name the field")
			return ops
		}
	}
	return ops
}

// concat returns a new path: a followed by b.
func concat(a, b []int) []int {
	return append(append(make([]int, 0, len(a)+len(b)), a...), b...)
}

// use compiles the plan for a part of p's values found at path, and makes
// its problems and its recursion p's.
func (c *compiler) use(p *plan, path string, src, dst reflect.Type) *plan {
	sub := c.compile(src, dst)
	if sub.ready { // else its problems are reported where it is compiled
		for _, m := range sub.bad {
			m.Path = joinPath(path, m.Path)
			p.bad = append(p.bad, m)
		}
	}
	p.recursive = p.recursive || sub.recursive
	return sub
}

func (p *plan) fail(path string, src, dst reflect.Type, reason string) {
	p.bad = append(p.bad, FieldMismatch{Path: path, From: src, To: dst, Reason: reason})
}

func joinPath(parent, child string) string {
	switch {
	case child == "":
		return parent
	case parent == "" || strings.HasPrefix(child, "["):
		return parent + child
	default:
		return parent + "." + child
	}
}

// field is a struct field as the mapper sees it: by its matching name.
type field struct {
	key       string // the json tag name if any, else the Go name
	typ       reflect.Type
	index     []int // its field index path from the outermost struct
	hidden    bool  // an unexported embedded struct, which reflect will not set or read whole
	depth     int   // how many embedded structs it is promoted through
	tagged    bool
	ambiguous bool // another field has the same key at the same depth
}

// fieldsOf lists the fields of struct type t that take part in mapping, by
// encoding/json's rules: exported fields, named by their json tag when it
// has a name, skipped when the tag is "-", with the fields of embedded
// structs without a tag name promoted, the shallowest field winning a name
// (a tagged one among equals).
func fieldsOf(t reflect.Type) []field {
	var all []field
	var walk func(t reflect.Type, index []int, depth int)
	walk = func(t reflect.Type, index []int, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, concat(index, f.Index), depth+1)
				continue
			}
			if !f.IsExported() && !(f.Anonymous && f.Type.Kind() == reflect.Struct) {
				continue // an embedded struct is a field if tagged, whatever its name
			}
			key := name
			if key == "" {
				key = f.Name
			}
			all = append(all, field{key: key, typ: f.Type, index: concat(index, f.Index), depth: depth, tagged: name != "", hidden: !f.IsExported()})
		}
	}
	walk(t, nil, 0)

	var out []field
	at := make(map[string]int) // key -> index in out
	for _, f := range all {
		i, ok := at[f.key]
		if !ok {
			at[f.key] = len(out)
			out = append(out, f)
			continue
		}
		g := &out[i]
		switch {
		case f.depth > g.depth || (f.depth == g.depth && g.tagged && !f.tagged):
			// g dominates f
		case f.depth < g.depth || (f.tagged && !g.tagged):
			*g = f // f dominates g, and anything g tied with
		default:
			g.ambiguous = true
		}
	}
	return out
}

// Mappable reports whether the broker could copy a value of type src into
// one of type dst, by its rules (fields matched by name): nil, or a
// *MappingError naming name and direction and listing every field that does
// not map. Other mechanisms that carry one side's struct to the other's —
// the outbox's events, whose JSON payloads a consumer decodes into its own
// struct — check their two sides with it, so that one rule decides what
// "the same contract" means.
func Mappable(name, direction string, src, dst reflect.Type) error {
	b := New()
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, bad := b.plan(src, dst); len(bad) > 0 {
		return &MappingError{Name: name, Direction: direction, From: src, To: dst, Fields: bad}
	}
	return nil
}
