package broker

import (
	"reflect"
	"unsafe"
)

// This file runs the plans that mapper.go compiles. It is the only place
// that reads and writes memory through unsafe.Pointer, under three rules:
//
//   - dst always points to zeroed memory of the plan's destination type, so
//     a field without a source is left alone;
//   - memory that holds pointers is written by typed assignments (a string,
//     an unsafe.Pointer, a slice header, an interface), never as raw bytes,
//     so the garbage collector sees every pointer stored;
//   - dst and src are read and written, never stored or handed on to
//     reflect. The compiler's escape analysis confirms it (neither escapes),
//     which lets a handler's request and reply live on its stack.

// sliceHeader is the memory layout of every slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// run copies the value at src into the zero value at dst. Its only error is
// one wrapping ErrCycle, for a value that refers to itself.
func (p *plan) run(dst, src unsafe.Pointer) (err error) {
	if !p.recursive {
		p.copy(dst, src, span{n: 1}, nil)
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
	p.copy(dst, src, span{n: 1}, &w)
	return nil
}

// span is the values that a plan runs on: n values, each a stride after the
// one before, on each side. That is one value (span{n: 1}: the strides do
// not matter), or the elements of an array or slice.
type span struct {
	n        uintptr
	dst, src uintptr // the strides, in bytes
}

// at returns the addresses of value i of sp, for the first at dst and src.
func (sp span) at(dst, src unsafe.Pointer, i uintptr) (unsafe.Pointer, unsafe.Pointer) {
	return unsafe.Add(dst, i*sp.dst), unsafe.Add(src, i*sp.src)
}

// copy runs p's ops on the values of sp, op by op: each op runs on every
// value before the next op starts, so that a slice's elements cost one
// dispatch per op, not one per op and element. w is nil unless p's types
// are recursive.
func (p *plan) copy(dst, src unsafe.Pointer, sp span, w *walk) {
	for i := range p.ops {
		o := &p.ops[i]
		d, s := unsafe.Add(dst, o.dst), unsafe.Add(src, o.src)
		switch o.code {
		case opMove1:
			assignEach[[1]byte](d, s, sp)
		case opMove2:
			assignEach[[2]byte](d, s, sp)
		case opMove4:
			assignEach[[4]byte](d, s, sp)
		case opMove8:
			assignEach[[8]byte](d, s, sp)
		case opMove16:
			assignEach[[16]byte](d, s, sp)
		case opMoveN:
			for j := range sp.n {
				dj, sj := sp.at(d, s, j)
				copy(unsafe.Slice((*byte)(dj), o.size), unsafe.Slice((*byte)(sj), o.size))
			}
		case opString:
			assignEach[string](d, s, sp)
		case opWord:
			assignEach[unsafe.Pointer](d, s, sp)
		case opSliceHeader:
			assignEach[sliceHeader](d, s, sp)
		case opIface:
			assignEach[any](d, s, sp)
		case opNested:
			o.sub.copy(d, s, sp, w) // at the same place in each value
		default: // the deep ops, which allocate: value by value
			for j := range sp.n {
				dj, sj := sp.at(d, s, j)
				o.copyDeep(dj, sj, w)
			}
		}
	}
}

// assignEach assigns the T at src to the T at dst, in each value of sp. T is
// the type of the op's memory, so that pointers are written with the
// garbage collector's knowledge.
func assignEach[T any](dst, src unsafe.Pointer, sp span) {
	for i := range sp.n {
		d, s := sp.at(dst, src, i)
		*(*T)(d) = *(*T)(s)
	}
}

// copyDeep runs a deep op on one value.
func (o *op) copyDeep(d, s unsafe.Pointer, w *walk) {
	switch o.code {
	case opDeepArray:
		o.sub.copy(d, s, span{n: o.size, dst: o.sub.dstSize, src: o.sub.srcSize}, w)
	case opDeepSlice:
		copySlice(o, d, s, w)
	case opDeepPointer:
		copyPointer(o, d, s, w)
	case opDeepMap:
		copyMap(o, d, s, w)
	}
}

func copySlice(o *op, d, s unsafe.Pointer, w *walk) {
	from := *(*sliceHeader)(s)
	if from.data == nil {
		return // nil stays nil
	}
	n := from.len
	data := newArray(o.typ, n)
	switch {
	case n == 0:
	case o.size != 0:
		copy(unsafe.Slice((*byte)(data), uintptr(n)*o.size), unsafe.Slice((*byte)(from.data), uintptr(n)*o.size))
	default:
		w.enter(from.data, o.sub)
		o.sub.copy(data, from.data, span{n: uintptr(n), dst: o.sub.dstSize, src: o.sub.srcSize}, w)
		w.leave(from.data, o.sub)
	}
	*(*sliceHeader)(d) = sliceHeader{data: data, len: n, cap: n}
}

// newArray allocates the zeroed backing array of a slice of type t with n
// elements, without allocating a slice header as reflect.MakeSlice does. An
// empty array is not nil, so an empty slice stays empty rather than nil.
func newArray(t reflect.Type, n int) unsafe.Pointer {
	if n == 0 {
		return reflect.MakeSlice(t, 0, 0).UnsafePointer()
	}
	var h sliceHeader
	reflect.NewAt(t, unsafe.Pointer(&h)).Elem().Grow(n)
	return h.data
}

func copyPointer(o *op, d, s unsafe.Pointer, w *walk) {
	from := *(*unsafe.Pointer)(s)
	if from == nil {
		return
	}
	to := reflect.New(o.sub.dst).UnsafePointer()
	w.enter(from, o.sub)
	o.sub.copy(to, from, span{n: 1}, w)
	w.leave(from, o.sub)
	*(*unsafe.Pointer)(d) = to
}

// copyMap uses reflect, the only way to range over a map of a type known at
// run time; maps in requests and replies are rarer than slices.
func copyMap(o *op, d, s unsafe.Pointer, w *walk) {
	m := *(*unsafe.Pointer)(s)
	if m == nil {
		return
	}
	w.enter(m, o.sub)
	from := reflect.NewAt(o.styp, unsafe.Pointer(&m)).Elem() // &m is on the heap
	to := reflect.MakeMapWithSize(o.typ, from.Len())
	sk, sv := reflect.New(o.styp.Key()).Elem(), reflect.New(o.styp.Elem()).Elem()
	dk, dv := reflect.New(o.typ.Key()).Elem(), reflect.New(o.typ.Elem()).Elem()
	for it := from.MapRange(); it.Next(); {
		sk.SetIterKey(it)
		sv.SetIterValue(it)
		dk.SetZero()
		dv.SetZero()
		o.key.copy(dk.Addr().UnsafePointer(), sk.Addr().UnsafePointer(), span{n: 1}, w)
		o.sub.copy(dv.Addr().UnsafePointer(), sv.Addr().UnsafePointer(), span{n: 1}, w)
		to.SetMapIndex(dk, dv)
	}
	w.leave(m, o.sub)
	*(*unsafe.Pointer)(d) = to.UnsafePointer()
}

// cycleDepth is how deep a copy goes before it starts looking for cycles,
// as encoding/json does: deeper than any sane tree, so trees pay nothing.
const cycleDepth = 1000

// walk tracks a copy of a recursive type's value, to stop at a cycle instead
// of copying forever. A nil *walk tracks nothing.
type walk struct {
	depth int
	// seen holds the references being copied, deeper than cycleDepth. The
	// addresses are of heap memory, which does not move, and are kept as
	// integers so that they keep nothing alive.
	seen map[seenKey]struct{}
}

type seenKey struct {
	addr uintptr
	p    *plan
}

// cycleFound is the panic that unwinds a copy from a cycle to plan.run.
type cycleFound struct{}

func (w *walk) enter(addr unsafe.Pointer, p *plan) {
	if w == nil {
		return
	}
	w.depth++
	if w.depth <= cycleDepth {
		return
	}
	k := seenKey{uintptr(addr), p}
	if _, ok := w.seen[k]; ok {
		panic(cycleFound{})
	}
	if w.seen == nil {
		w.seen = make(map[seenKey]struct{})
	}
	w.seen[k] = struct{}{}
}

func (w *walk) leave(addr unsafe.Pointer, p *plan) {
	if w == nil {
		return
	}
	if w.depth > cycleDepth {
		delete(w.seen, seenKey{uintptr(addr), p})
	}
	w.depth--
}
