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
// list of ops over the two values' memory.
type plan struct {
	src, dst         reflect.Type
	srcSize, dstSize uintptr // strides, for slices and arrays of this plan
	ops              []op

	ready     bool            // compiled; false while its fields are being compiled
	recursive bool            // its types refer back to themselves, so its values may cycle
	bad       []FieldMismatch // why it cannot run, with paths relative to this plan
}

// op copies one piece of the source value into the destination value.
type op struct {
	code     opcode
	dst, src uintptr // offsets of the piece in each value

	// size is, for opMoveN, the number of bytes; for opDeepArray, the
	// array's length; for opDeepSlice, the element size when the elements
	// are copied as one block of bytes, else 0.
	size uintptr

	sub  *plan        // the plan for elements, pointees, map values or a nested struct
	typ  reflect.Type // opDeepSlice, opDeepMap: the destination's type
	styp reflect.Type // opDeepMap: the source's type
	key  *plan        // opDeepMap: the plan for keys
}

type opcode uint8

const (
	// Assignments of memory whose layout is the same on both sides.
	opMove1       opcode = iota + 1 // 1 byte without pointers
	opMove2                         // 2 bytes without pointers
	opMove4                         // 4 bytes without pointers
	opMove8                         // 8 bytes without pointers
	opMove16                        // 16 bytes without pointers (a UUID)
	opMoveN                         // size bytes without pointers
	opString                        // a string header
	opWord                          // one pointer: a pointer, map, chan, func or unsafe.Pointer
	opSliceHeader                   // a slice header of identical slice types (shared)
	opIface                         // an interface value of identical interface types

	// Copies into new memory of the destination's types.
	opDeepSlice   // allocate an array and copy the elements through sub
	opDeepArray   // copy size elements through sub
	opDeepPointer // allocate a pointee and copy it through sub
	opDeepMap     // make a map and copy keys through key, values through sub
	opNested      // run sub, a plan still being compiled when this op was made
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
	p := &plan{src: src, dst: dst, srcSize: src.Size(), dstSize: dst.Size()}
	c.building[k] = p
	c.build(p)
	p.ready = true
	return p
}

func (c *compiler) build(p *plan) {
	src, dst := p.src, p.dst
	if src == dst {
		p.ops = assignOps(nil, dst, 0)
		return
	}
	if src.Kind() != dst.Kind() {
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
		switch {
		case src.Elem() == dst.Elem():
			p.ops = assignOps(nil, dst, 0) // same layout: one assignment
		case elem.isMove():
			p.ops = appendOp(nil, op{code: opMoveN, size: dst.Size()})
		default:
			p.ops = []op{{code: opDeepArray, size: uintptr(dst.Len()), sub: elem}}
		}
	case reflect.Slice:
		elem := c.use(p, "[]", src.Elem(), dst.Elem())
		o := op{code: opDeepSlice, typ: dst, sub: elem}
		if elem.isMove() {
			o.size = elem.dstSize // copy the elements as one block of bytes
		}
		p.ops = []op{o}
	case reflect.Pointer:
		elem := c.use(p, "", src.Elem(), dst.Elem())
		p.ops = []op{{code: opDeepPointer, sub: elem}}
	case reflect.Map:
		key := c.use(p, "[key]", src.Key(), dst.Key())
		elem := c.use(p, "[]", src.Elem(), dst.Elem())
		p.ops = []op{{code: opDeepMap, typ: dst, styp: src, key: key, sub: elem}}
	case reflect.Struct:
		c.buildStruct(p)
	case reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.fail("", src, dst, "such types must be identical on both sides")
	default:
		// Booleans, numbers and strings of the same kind have the same
		// layout whatever their names: type Cents int64 maps to int64.
		p.ops = assignOps(nil, dst, 0)
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
		}
		sub := c.use(p, d.key, s.typ, d.typ)
		if !sub.ready {
			p.ops = append(p.ops, op{code: opNested, dst: d.offset, src: s.offset, sub: sub})
			continue
		}
		for _, o := range sub.ops {
			o.dst += d.offset
			o.src += s.offset
			p.ops = appendOp(p.ops, o)
		}
	}
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

// isMove reports whether p is a single copy of memory without pointers, the
// same size on both sides, so that arrays of it can be copied as one block.
func (p *plan) isMove() bool {
	return p.ready && len(p.ops) == 1 && p.ops[0].isMove() && p.ops[0].dst == 0 && p.ops[0].src == 0 &&
		p.ops[0].size == p.srcSize && p.srcSize == p.dstSize
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

// assignOps appends the ops that assign a value of type t at off to a value
// of the same layout at the same offset: a plain memory copy for memory
// without pointers, a typed assignment for each pointer-holding word.
func assignOps(ops []op, t reflect.Type, off uintptr) []op {
	if t.Size() == 0 {
		return ops
	}
	if !hasPointers(t) {
		return appendOp(ops, op{code: opMoveN, dst: off, src: off, size: t.Size()})
	}
	switch t.Kind() {
	case reflect.String:
		return append(ops, op{code: opString, dst: off, src: off})
	case reflect.Slice:
		return append(ops, op{code: opSliceHeader, dst: off, src: off})
	case reflect.Interface:
		return append(ops, op{code: opIface, dst: off, src: off})
	case reflect.Array:
		elem := t.Elem()
		if t.Len() <= 16 {
			for i := range t.Len() {
				ops = assignOps(ops, elem, off+uintptr(i)*elem.Size())
			}
			return ops
		}
		sub := &plan{src: elem, dst: elem, srcSize: elem.Size(), dstSize: elem.Size(), ready: true}
		sub.ops = assignOps(nil, elem, 0)
		return append(ops, op{code: opDeepArray, dst: off, src: off, size: uintptr(t.Len()), sub: sub})
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			ops = assignOps(ops, f.Type, off+f.Offset)
		}
		return ops
	default: // Pointer, Map, Chan, Func, UnsafePointer
		return append(ops, op{code: opWord, dst: off, src: off})
	}
}

// appendOp appends o to ops, merging a memory move into the one before it
// when the two are contiguous on both sides.
func appendOp(ops []op, o op) []op {
	if !o.isMove() {
		return append(ops, o)
	}
	if n := len(ops); n > 0 {
		if last := &ops[n-1]; last.isMove() && last.dst+last.size == o.dst && last.src+last.size == o.src {
			last.size += o.size
			last.code = moveCode(last.size)
			return ops
		}
	}
	o.code = moveCode(o.size)
	return append(ops, o)
}

func (o *op) isMove() bool { return o.code >= opMove1 && o.code <= opMoveN }

func moveCode(size uintptr) opcode {
	switch size {
	case 1:
		return opMove1
	case 2:
		return opMove2
	case 4:
		return opMove4
	case 8:
		return opMove8
	case 16:
		return opMove16
	}
	return opMoveN
}

// hasPointers reports whether values of type t hold pointers, which must be
// copied with the garbage collector's knowledge (a typed assignment), not
// as raw bytes.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.String, reflect.Slice, reflect.Interface,
		reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	default: // booleans and numbers
		return false
	}
}

// field is a struct field as the mapper sees it: by its matching name.
type field struct {
	key       string // the json tag name if any, else the Go name
	typ       reflect.Type
	offset    uintptr // from the start of the outermost struct
	depth     int     // how many embedded structs it is promoted through
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
	var walk func(t reflect.Type, off uintptr, depth int)
	walk = func(t reflect.Type, off uintptr, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, off+f.Offset, depth+1)
				continue
			}
			if !f.IsExported() && !(f.Anonymous && f.Type.Kind() == reflect.Struct) {
				continue // an embedded struct is a field if tagged, whatever its name
			}
			key := name
			if key == "" {
				key = f.Name
			}
			all = append(all, field{key: key, typ: f.Type, offset: off + f.Offset, depth: depth, tagged: name != ""})
		}
	}
	walk(t, 0, 0)

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
