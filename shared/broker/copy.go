package broker

import "reflect"

// This file runs the plans that mapper.go compiles, through reflect.Value:
// each op finds its piece of the two values by field index, then assigns it
// (Set, or SetInt and its kin for types of the same kind) or copies it into
// new memory. The rules that keep this from panicking are the compiler's:
//
//   - dst is always a settable zero value of the plan's destination type, so
//     a field without a source is left alone;
//   - an op reaches a field only through exported fields, or through an
//     unexported embedded struct on to its exported fields, which reflect
//     allows; a value reached through an unexported field is never read or
//     set whole (see assignFields);
//   - the two sides of an op have the types the op was compiled for.

// run copies the value src into the zero value dst. Its only error is one
// wrapping ErrCycle, for a value that refers to itself.
func (p *plan) run(dst, src reflect.Value) (err error) {
	if !p.recursive {
		p.copy(dst, src, nil)
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(cycleFound); !ok {
				panic(v)
			}
			err = ErrCycle
		}
	}()
	var w walk
	p.copy(dst, src, &w)
	return nil
}

// copy runs p's ops on dst and src. w is nil unless p's types are recursive.
//
// A mapped ask spends most of its time in this loop, so the commonest cases
// run here without the calls that would cost a tenth of BenchmarkAskerMapped
// each (see docs/performance.md, issue 17): a field one level down is reached
// without fieldAt, and a string, an integer or a value of its own type is
// assigned without op.copy.
func (p *plan) copy(dst, src reflect.Value, w *walk) {
	for i := range p.ops {
		o := &p.ops[i]
		var d, s reflect.Value
		if len(o.dst) == 1 && len(o.src) == 1 {
			d, s = dst.Field(o.dst[0]), src.Field(o.src[0])
		} else {
			d, s = fieldAt(dst, o.dst), fieldAt(src, o.src)
		}
		switch o.code {
		case opString:
			d.SetString(s.String())
		case opInt:
			d.SetInt(s.Int())
		case opAssign:
			d.Set(s)
		default:
			o.copy(d, s, w)
		}
	}
}

// fieldAt returns the field of v at the index path, or v for an empty path.
// Unlike reflect.Value.FieldByIndex it needs no check for embedded pointers,
// which fieldsOf never goes through.
func fieldAt(v reflect.Value, path []int) reflect.Value {
	for _, i := range path {
		v = v.Field(i)
	}
	return v
}

// copy runs o on its pieces d and s.
func (o *op) copy(d, s reflect.Value, w *walk) {
	switch o.code {
	case opAssign:
		d.Set(s)
	case opBool:
		d.SetBool(s.Bool())
	case opInt:
		d.SetInt(s.Int())
	case opUint:
		d.SetUint(s.Uint())
	case opFloat:
		d.SetFloat(s.Float())
	case opComplex:
		d.SetComplex(s.Complex())
	case opString:
		d.SetString(s.String())
	case opNested:
		o.sub.copy(d, s, w)
	case opArray:
		for i := range d.Len() {
			o.sub.copy(d.Index(i), s.Index(i), w)
		}
	case opSlice:
		copySlice(o, d, s, w)
	case opPointer:
		copyPointer(o, d, s, w)
	case opMap:
		copyMap(o, d, s, w)
	}
}

func copySlice(o *op, d, s reflect.Value, w *walk) {
	if s.IsNil() {
		return // nil stays nil
	}
	n := s.Len()
	if n == 0 {
		d.Set(o.empty) // empty stays empty: not nil, and nothing to allocate
		return
	}
	// d is a nil slice: Grow allocates its array, the one allocation of
	// the copy (reflect.MakeSlice would allocate a slice header as well).
	d.Grow(n)
	d.SetLen(n)
	w.enter(s.Pointer(), o.sub)
	for i := range n {
		o.sub.copy(d.Index(i), s.Index(i), w)
	}
	w.leave(s.Pointer(), o.sub)
}

func copyPointer(o *op, d, s reflect.Value, w *walk) {
	if s.IsNil() {
		return
	}
	to := reflect.New(o.sub.dst)
	w.enter(s.Pointer(), o.sub)
	o.sub.copy(to.Elem(), s.Elem(), w)
	w.leave(s.Pointer(), o.sub)
	d.Set(to)
}

// copyMap copies each entry through settable temporaries, because a map's
// keys and values cannot be set in place.
func copyMap(o *op, d, s reflect.Value, w *walk) {
	if s.IsNil() {
		return
	}
	w.enter(s.Pointer(), o.sub)
	to := reflect.MakeMapWithSize(o.typ, s.Len())
	sk, sv := reflect.New(o.key.src).Elem(), reflect.New(o.sub.src).Elem()
	dk, dv := reflect.New(o.key.dst).Elem(), reflect.New(o.sub.dst).Elem()
	for it := s.MapRange(); it.Next(); {
		sk.SetIterKey(it)
		sv.SetIterValue(it)
		dk.SetZero()
		dv.SetZero()
		o.key.copy(dk, sk, w)
		o.sub.copy(dv, sv, w)
		to.SetMapIndex(dk, dv)
	}
	w.leave(s.Pointer(), o.sub)
	d.Set(to)
}

// cycleDepth is how deep a copy goes before it starts looking for cycles,
// as encoding/json does: deeper than any sane tree, so trees pay nothing.
const cycleDepth = 1000

// walk tracks a copy of a recursive type's value, to stop at a cycle instead
// of copying forever. A nil *walk tracks nothing.
type walk struct {
	depth int
	// seen holds the references being copied, deeper than cycleDepth, by
	// reflect.Value.Pointer: the address of a pointee, a slice's first
	// element or a map. Go's heap does not move, and an integer keeps
	// nothing alive.
	seen map[seenKey]struct{}
}

type seenKey struct {
	addr uintptr
	p    *plan
}

// cycleFound is the panic that unwinds a copy from a cycle to plan.run.
type cycleFound struct{}

func (w *walk) enter(addr uintptr, p *plan) {
	if w == nil {
		return
	}
	w.depth++
	if w.depth <= cycleDepth {
		return
	}
	k := seenKey{addr, p}
	if _, ok := w.seen[k]; ok {
		panic(cycleFound{})
	}
	if w.seen == nil {
		w.seen = make(map[seenKey]struct{})
	}
	w.seen[k] = struct{}{}
}

func (w *walk) leave(addr uintptr, p *plan) {
	if w == nil {
		return
	}
	if w.depth > cycleDepth {
		delete(w.seen, seenKey{addr, p})
	}
	w.depth--
}
