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

// copy runs p's ops. w is nil unless p's types are recursive.
func (p *plan) copy(dst, src unsafe.Pointer, w *walk) {
	for i := range p.ops {
		o := &p.ops[i]
		d, s := unsafe.Add(dst, o.dst), unsafe.Add(src, o.src)
		switch o.code {
		case opMove1:
			*(*[1]byte)(d) = *(*[1]byte)(s)
		case opMove2:
			*(*[2]byte)(d) = *(*[2]byte)(s)
		case opMove4:
			*(*[4]byte)(d) = *(*[4]byte)(s)
		case opMove8:
			*(*[8]byte)(d) = *(*[8]byte)(s)
		case opMove16:
			*(*[16]byte)(d) = *(*[16]byte)(s)
		case opMoveN:
			copy(unsafe.Slice((*byte)(d), o.size), unsafe.Slice((*byte)(s), o.size))
		case opString:
			*(*string)(d) = *(*string)(s)
		case opWord:
			*(*unsafe.Pointer)(d) = *(*unsafe.Pointer)(s)
		case opSliceHeader:
			*(*sliceHeader)(d) = *(*sliceHeader)(s)
		case opIface:
			*(*any)(d) = *(*any)(s)
		case opNested:
			o.sub.copy(d, s, w)
		case opDeepArray:
			for j := range o.size {
				o.sub.copy(unsafe.Add(d, j*o.sub.dstSize), unsafe.Add(s, j*o.sub.srcSize), w)
			}
		case opDeepSlice:
			copySlice(o, d, s, w)
		case opDeepPointer:
			copyPointer(o, d, s, w)
		case opDeepMap:
			copyMap(o, d, s, w)
		}
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
		for i := range uintptr(n) {
			o.sub.copy(unsafe.Add(data, i*o.sub.dstSize), unsafe.Add(from.data, i*o.sub.srcSize), w)
		}
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
	o.sub.copy(to, from, w)
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
		o.key.copy(dk.Addr().UnsafePointer(), sk.Addr().UnsafePointer(), w)
		o.sub.copy(dv.Addr().UnsafePointer(), sv.Addr().UnsafePointer(), w)
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
