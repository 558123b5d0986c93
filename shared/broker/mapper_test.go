package broker_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"example.com/bookapp/shared/broker"
)

// wantMapped checks that in, of the sending side's type From, arrives as want,
// of the receiving side's type To: as a request (asker to handler) and as a
// reply (handler to asker).
func wantMapped[From, To any](t *testing.T, in From, want To) {
	t.Helper()
	ctx := context.Background()
	b := broker.New()

	var got To
	mustHandle(t, b, "request", func(_ context.Context, req To) (struct{}, error) {
		got = req
		return struct{}{}, nil
	})
	if _, err := broker.Ask[From, struct{}](ctx, b, "request", in); err != nil {
		t.Fatalf("request: Ask: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("request: handler got\n%+v\nwant\n%+v", got, want)
	}

	mustHandle(t, b, "reply", func(context.Context, struct{}) (From, error) { return in, nil })
	got, err := broker.Ask[struct{}, To](ctx, b, "reply", struct{}{})
	if err != nil {
		t.Fatalf("reply: Ask: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reply: asker got\n%+v\nwant\n%+v", got, want)
	}
}

// wantMismatch checks that Verify rejects a request of type From to a handler
// of type To, naming exactly the fields want, and that an Ask without Verify
// fails the same way.
func wantMismatch[From, To any](t *testing.T, want ...string) {
	t.Helper()
	b := broker.New()
	mustHandle(t, b, "x", func(context.Context, To) (struct{}, error) { return struct{}{}, nil })
	broker.Expect[From, struct{}](b, "x")
	err := b.Verify()
	var me *broker.MappingError
	if !errors.As(err, &me) {
		t.Fatalf("Verify = %v, want a *MappingError", err)
	}
	if me.Name != "x" || me.Direction != "request" || me.From != reflect.TypeFor[From]() || me.To != reflect.TypeFor[To]() {
		t.Errorf("MappingError{Name: %q, Direction: %q, From: %v, To: %v}, want x, request, %v, %v",
			me.Name, me.Direction, me.From, me.To, reflect.TypeFor[From](), reflect.TypeFor[To]())
	}
	var got []string
	for _, f := range me.Fields {
		got = append(got, f.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("mismatched fields:\n got %q\nwant %q", got, want)
	}

	_, err = broker.Ask[From, struct{}](context.Background(), broker.New(), "x", *new(From))
	if !errors.Is(err, broker.ErrNoHandler) {
		t.Errorf("Ask on an empty broker = %v, want ErrNoHandler", err)
	}
	b2 := broker.New()
	mustHandle(t, b2, "x", func(context.Context, To) (struct{}, error) { return struct{}{}, nil })
	_, err = broker.Ask[From, struct{}](context.Background(), b2, "x", *new(From))
	if !errors.As(err, &me) || len(me.Fields) != len(want) {
		t.Errorf("Ask without Verify = %v, want the same *MappingError", err)
	}
}

func mustHandle[Req, Rep any](t testing.TB, b *broker.Broker, name string, h func(context.Context, Req) (Rep, error)) {
	t.Helper()
	if err := broker.Handle(b, name, h); err != nil {
		t.Fatalf("Handle(%q): %v", name, err)
	}
}

type (
	cents    int64
	currency string

	base struct {
		ID      [16]byte
		Created time.Time
	}
	audit struct {
		By string
	}

	listA struct {
		Value int64
		Next  *listA
	}
	listB struct {
		Next  *listB
		Value cents
	}

	holderA struct{ Group *groupA }
	groupA  struct {
		Name   string
		Holder holderA
	}
	holderB struct{ Group *groupB }
	groupB  struct {
		Holder holderB
		Name   currency
	}

	treeA struct {
		Name string
		Kids []treeA
		ByID map[string]*treeA
	}
	treeB struct {
		ByID map[string]*treeB
		Kids []treeB
		Name string
	}
)

func TestMapping(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		test func(t *testing.T)
	}{
		{"fields match by name in any order", func(t *testing.T) {
			type from struct {
				A string
				B int64
				C bool
				D float64
				E uint8
				F complex128
			}
			type to struct {
				F complex128
				E uint8
				D float64
				C bool
				B int64
				A string
			}
			wantMapped(t, from{"x", -2, true, 1.5, 255, 1i}, to{1i, 255, 1.5, true, -2, "x"})
		}},
		{"named basic types map to their kind", func(t *testing.T) {
			type from struct {
				Price    cents
				Currency currency
			}
			type to struct {
				Price    int64
				Currency string
			}
			wantMapped(t, from{4599, "EUR"}, to{4599, "EUR"})
		}},
		{"named basic types of every kind, at their limits", func(t *testing.T) {
			type (
				flag bool
				i8   int8
				i16  int16
				i32  int32
				i64  int64
				i    int
				u8   uint8
				u16  uint16
				u32  uint32
				u64  uint64
				u    uint
				uptr uintptr
				f32  float32
				f64  float64
				c64  complex64
				c128 complex128
			)
			type from struct {
				Flag                flag
				I8                  i8
				I16                 i16
				I32                 i32
				I64                 i64
				I                   i
				U8                  u8
				U16                 u16
				U32                 u32
				U64                 u64
				U                   u
				Uptr                uptr
				F32                 f32
				F64                 f64
				C64                 c64
				C128                c128
				MinI8, MinI64, MinI i8
			}
			type to struct {
				C128  complex128
				C64   complex64
				F64   float64
				F32   float32
				Uptr  uintptr
				U     uint
				U64   uint64
				U32   uint32
				U16   uint16
				U8    uint8
				I     int
				I64   int64
				I32   int32
				I16   int16
				I8    int8
				Flag  bool
				MinI8 int8
			}
			wantMapped(t,
				from{true, math.MaxInt8, math.MaxInt16, math.MaxInt32, math.MaxInt64, math.MinInt, math.MaxUint8, math.MaxUint16,
					math.MaxUint32, math.MaxUint64, math.MaxUint, 1 << 40, math.MaxFloat32, -math.SmallestNonzeroFloat64,
					complex(math.MaxFloat32, -1), complex(1, math.MaxFloat64), math.MinInt8, 0, 0},
				to{complex(1, math.MaxFloat64), complex(math.MaxFloat32, -1), -math.SmallestNonzeroFloat64, math.MaxFloat32,
					1 << 40, math.MaxUint, math.MaxUint64, math.MaxUint32, math.MaxUint16, math.MaxUint8, math.MinInt,
					math.MaxInt64, math.MaxInt32, math.MaxInt16, math.MaxInt8, true, math.MinInt8})
		}},
		{"missing fields stay zero, extra fields are dropped", func(t *testing.T) {
			type from struct{ A, Extra string }
			type to struct {
				A       string
				Missing int
			}
			wantMapped(t, from{"a", "dropped"}, to{A: "a"})
		}},
		{"nested structs", func(t *testing.T) {
			type fromInner struct{ Street, City string }
			type toInner struct{ City, Street string }
			type from struct {
				Name string
				Addr fromInner
			}
			type to struct {
				Addr toInner
				Name string
			}
			wantMapped(t, from{"Ann", fromInner{"1 Main St", "Oslo"}}, to{toInner{"Oslo", "1 Main St"}, "Ann"})
		}},
		{"slices", func(t *testing.T) {
			type fromLine struct {
				Title string
				Price cents
			}
			type toLine struct {
				Price int64
				Title string
			}
			type from struct {
				Lines []fromLine
				Codes []currency
				Qty   []int32
			}
			type to struct {
				Lines []toLine
				Codes []string
				Qty   []int32
			}
			wantMapped(t,
				from{[]fromLine{{"a", 1}, {"b", 2}}, []currency{"EUR", "GBP"}, []int32{1, 2}},
				to{[]toLine{{1, "a"}, {2, "b"}}, []string{"EUR", "GBP"}, []int32{1, 2}})
		}},
		{"slices of structs with fields of every kind", func(t *testing.T) {
			// A slice's elements are copied op by op, each op over every
			// element, so each kind of op is checked here on three
			// elements, each different.
			type dims struct{ W, H int16 }
			type fromLine struct {
				SKU   currency
				Tags  []string
				Note  *string
				Attrs map[string]cents
				Pair  [2]currency
				Size  dims
				Gift  bool
				Small int16
				Qty   int32
				Odd   [3]byte
				Any   any
				Ch    chan int
				IDs   []int
				Price cents
			}
			type toLine struct {
				Price int64
				IDs   []int
				Ch    chan int
				Any   any
				Odd   [3]byte
				Qty   int32
				Small int16
				Gift  bool
				Size  dims
				Pair  [2]string
				Attrs map[currency]int64
				Note  *currency
				Tags  []currency
				SKU   string
			}
			type from struct{ Lines []fromLine }
			type to struct{ Lines []toLine }
			ch := make(chan int)
			note, noteTo := "wrap it", currency("wrap it")
			in := from{[]fromLine{
				{"a", []string{"x", "y"}, &note, map[string]cents{"k": 1}, [2]currency{"p", "q"}, dims{1, 2}, true, -1, 7, [3]byte{1, 2, 3}, 1.5, ch, []int{4}, 4599},
				{SKU: "b", Tags: []string{}, Attrs: map[string]cents{}, Small: 2, Odd: [3]byte{9}},
				{"c", nil, nil, nil, [2]currency{"", "r"}, dims{-3, 4}, false, 3, -7, [3]byte{}, nil, nil, nil, -1},
			}}
			want := to{[]toLine{
				{4599, []int{4}, ch, 1.5, [3]byte{1, 2, 3}, 7, -1, true, dims{1, 2}, [2]string{"p", "q"}, map[currency]int64{"k": 1}, &noteTo, []currency{"x", "y"}, "a"},
				{SKU: "b", Tags: []currency{}, Attrs: map[currency]int64{}, Small: 2, Odd: [3]byte{9}},
				{-1, nil, nil, nil, [3]byte{}, -7, 3, false, dims{-3, 4}, [2]string{"", "r"}, nil, nil, nil, "c"},
			}}
			wantMapped(t, in, want)
		}},
		{"slices of a recursive type entered half way", func(t *testing.T) {
			// groupA's plan, compiled inside holderA's, refers to
			// holderA's unfinished plan for Holder; here it runs over the
			// elements of a slice.
			type from struct {
				Root   holderA
				Groups []groupA
			}
			type to struct {
				Root   holderB
				Groups []groupB
			}
			in := from{Groups: []groupA{
				{Name: "a", Holder: holderA{Group: &groupA{Name: "a1"}}},
				{Name: "b"},
				{Name: "c", Holder: holderA{Group: &groupA{Name: "c1", Holder: holderA{Group: &groupA{Name: "c2"}}}}},
			}}
			want := to{Groups: []groupB{
				{Name: "a", Holder: holderB{Group: &groupB{Name: "a1"}}},
				{Name: "b"},
				{Name: "c", Holder: holderB{Group: &groupB{Name: "c1", Holder: holderB{Group: &groupB{Name: "c2"}}}}},
			}}
			wantMapped(t, in, want)
		}},
		{"nil slices stay nil, empty ones stay empty", func(t *testing.T) {
			type from struct{ Nil, Empty []cents }
			type to struct{ Nil, Empty []int64 }
			wantMapped(t, from{nil, []cents{}}, to{nil, []int64{}})
		}},
		{"maps", func(t *testing.T) {
			type fromLine struct{ Qty int }
			type toLine struct{ Qty int }
			type from struct {
				Stock  map[currency]fromLine
				Prices map[string]cents
				Nil    map[string]cents
				Empty  map[string]cents
			}
			type to struct {
				Stock  map[string]toLine
				Prices map[string]int64
				Nil    map[string]int64
				Empty  map[string]int64
			}
			wantMapped(t,
				from{map[currency]fromLine{"a": {1}, "b": {2}}, map[string]cents{"x": 9}, nil, map[string]cents{}},
				to{map[string]toLine{"a": {1}, "b": {2}}, map[string]int64{"x": 9}, nil, map[string]int64{}})
		}},
		{"map entries with nil parts", func(t *testing.T) {
			// Entries are copied through reused temporaries: a nil in one
			// entry must not show the previous entry's value.
			type fromKey struct {
				Name string
				Alt  *string
			}
			type toKey struct {
				Name currency
				Alt  *currency
			}
			type fromVal struct{ Tags []string }
			type toVal struct{ Tags []currency }
			type from struct{ M map[fromKey]fromVal }
			type to struct{ M map[toKey]toVal }
			in := from{M: map[fromKey]fromVal{}}
			for i := range 20 {
				name := string(rune('a' + i))
				if i%2 == 0 {
					in.M[fromKey{name, nil}] = fromVal{nil}
				} else {
					in.M[fromKey{name, &name}] = fromVal{[]string{name}}
				}
			}
			b := broker.New()
			var got to
			mustHandle(t, b, "x", func(_ context.Context, req to) (struct{}, error) {
				got = req
				return struct{}{}, nil
			})
			if _, err := broker.Ask[from, struct{}](context.Background(), b, "x", in); err != nil {
				t.Fatal(err)
			}
			if len(got.M) != len(in.M) {
				t.Fatalf("got %d entries, want %d", len(got.M), len(in.M))
			}
			// A key's pointer is a new pointer on the other side, so check
			// each entry against its name rather than with DeepEqual.
			for k, v := range got.M {
				full := (k.Name[0]-'a')%2 == 1
				switch {
				case full && (k.Alt == nil || *k.Alt != k.Name || len(v.Tags) != 1 || v.Tags[0] != k.Name):
					t.Errorf("entry %q = {Alt: %v}: %v, want Alt and Tags %[1]q", k.Name, k.Alt, v.Tags)
				case !full && (k.Alt != nil || v.Tags != nil):
					t.Errorf("entry %q = {Alt: %v}: %v, want nil Alt and nil Tags", k.Name, k.Alt, v.Tags)
				}
			}
		}},
		{"pointers", func(t *testing.T) {
			type fromLine struct{ Qty int }
			type toLine struct{ Qty int }
			type from struct {
				Line *fromLine
				Nil  *fromLine
				Note *currency
			}
			type to struct {
				Line *toLine
				Nil  *toLine
				Note *string
			}
			note := currency("gift")
			want := "gift"
			wantMapped(t, from{&fromLine{3}, nil, &note}, to{&toLine{3}, nil, &want})
		}},
		{"arrays", func(t *testing.T) {
			type fromLine struct{ Qty int }
			type toLine struct{ Qty int }
			type from struct {
				Code  [3]cents
				Lines [2]fromLine
				ID    [16]byte
			}
			type to struct {
				Code  [3]int64
				Lines [2]toLine
				ID    [16]byte
			}
			wantMapped(t, from{[3]cents{1, 2, 3}, [2]fromLine{{4}, {5}}, [16]byte{6}}, to{[3]int64{1, 2, 3}, [2]toLine{{4}, {5}}, [16]byte{6}})
		}},
		{"arrays of structs that differ", func(t *testing.T) {
			type fromLine struct {
				SKU string
				Qty int16
			}
			type toLine struct {
				Qty int16
				SKU currency
			}
			type from struct{ Lines [2]fromLine }
			type to struct{ Lines [2]toLine }
			wantMapped(t, from{[2]fromLine{{"a", 1}, {"b", 2}}}, to{[2]toLine{{1, "a"}, {2, "b"}}})
		}},
		{"identical values of every shape", func(t *testing.T) {
			type dims struct{ W, H int32 }
			type from struct {
				Pair  [2]string
				Many  [20]string
				None  struct{}
				Short int16
				Size  dims
				Ch    chan int
				Ptr   *dims
			}
			type to struct {
				Ptr   *dims
				Ch    chan int
				Size  dims
				Short int16
				None  struct{}
				Many  [20]string
				Pair  [2]string
			}
			ch := make(chan int)
			ptr := &dims{1, 2}
			many := [20]string{0: "first", 19: "last"}
			wantMapped(t, from{[2]string{"a", "b"}, many, struct{}{}, -3, dims{4, 5}, ch, ptr},
				to{ptr, ch, dims{4, 5}, -3, struct{}{}, many, [2]string{"a", "b"}})
		}},
		{"json tag names match", func(t *testing.T) {
			type from struct {
				Cost  int64 `json:"price"`
				Title string
			}
			type to struct {
				Price int64  `json:"price,omitempty"`
				Name  string `json:"Title"`
			}
			wantMapped(t, from{4599, "Refactoring"}, to{4599, "Refactoring"})
		}},
		{`json:"-" skips a field`, func(t *testing.T) {
			type from struct {
				Secret string `json:"-"`
				Token  string
			}
			type to struct {
				Secret string
				Token  string `json:"-"`
				Minus  string `json:"-"`
			}
			wantMapped(t, from{"s", "t"}, to{})
		}},
		{"unexported fields are ignored", func(t *testing.T) {
			type from struct {
				Name string
				note string
			}
			type to struct {
				Name string
				note string
			}
			b := broker.New()
			var got to
			mustHandle(t, b, "x", func(_ context.Context, req to) (struct{}, error) {
				got = req
				return struct{}{}, nil
			})
			if _, err := broker.Ask[from, struct{}](context.Background(), b, "x", from{"a", "private"}); err != nil {
				t.Fatal(err)
			}
			if got.Name != "a" || got.note != "" {
				t.Errorf("handler got %+v, want Name a and note empty", got)
			}
		}},
		{"identical types are assigned, unexported state and all", func(t *testing.T) {
			type from struct {
				At   time.Time
				Base base
				Any  any
				Err  error
				Fn   func() int
			}
			type to struct {
				Err  error
				Any  any
				At   time.Time
				Base base
			}
			err := errors.New("kept")
			wantMapped(t, from{at, base{[16]byte{1}, at}, []int{1}, err, nil}, to{err, []int{1}, at, base{[16]byte{1}, at}})
		}},
		{"embedded structs are promoted", func(t *testing.T) {
			type from struct {
				base
				audit `json:"audit"`
				Title string
			}
			type to struct {
				ID      [16]byte
				Title   string
				Created time.Time
				Audit   audit `json:"audit"`
				By      string
			}
			wantMapped(t, from{base{[16]byte{7}, at}, audit{"ann"}, "t"}, to{[16]byte{7}, "t", at, audit{"ann"}, ""})
		}},
		{"an unexported embedded struct of the same type is assigned field by field", func(t *testing.T) {
			// reflect will not read or set such a struct whole, only its
			// exported fields, and those of the structs embedded in it.
			type stamp struct{ At time.Time }
			type marked struct {
				_  struct{} // nothing to copy
				By string
				stamp
			}
			type from struct {
				marked `json:"m"`
				Title  string
			}
			type to struct {
				Title  currency
				marked `json:"m"`
			}
			wantMapped(t, from{marked{By: "ann", stamp: stamp{at}}, "t"}, to{"t", marked{By: "ann", stamp: stamp{at}}})
		}},
		{"a shallower field hides a promoted one", func(t *testing.T) {
			type inner struct{ Title string }
			type from struct {
				inner
				Title string
			}
			type to struct{ Title string }
			wantMapped(t, from{inner{"deep"}, "shallow"}, to{"shallow"})
		}},
		{"recursive types", func(t *testing.T) {
			type from struct {
				List listA
				Tree treeA
			}
			type to struct {
				List listB
				Tree treeB
			}
			leaf := &treeA{Name: "leaf"}
			in := from{
				List: listA{1, &listA{2, &listA{3, nil}}},
				Tree: treeA{Name: "root", Kids: []treeA{{Name: "a"}, {Name: "b", ByID: map[string]*treeA{"l": leaf}}}},
			}
			want := to{
				List: listB{&listB{&listB{nil, 3}, 2}, 1},
				Tree: treeB{Name: "root", Kids: []treeB{{Name: "a"}, {Name: "b", ByID: map[string]*treeB{"l": {Name: "leaf"}}}}},
			}
			wantMapped(t, in, want)
		}},
		{"mutually recursive types, entered half way", func(t *testing.T) {
			// Compiling holderA's plan meets holderA again by value,
			// inside groupA, before holderA's plan is finished.
			type from struct{ Root holderA }
			type to struct{ Root holderB }
			in := from{holderA{Group: &groupA{Name: "g", Holder: holderA{Group: &groupA{Name: "inner"}}}}}
			want := to{holderB{Group: &groupB{Name: "g", Holder: holderB{Group: &groupB{Name: "inner"}}}}}
			wantMapped(t, in, want)
		}},
		{"a list longer than the depth where cycle checks start", func(t *testing.T) {
			type from struct{ Head *listA }
			type to struct{ Head *listB }
			var in from
			var want to
			for i := 5000; i > 0; i-- {
				in.Head = &listA{int64(i), in.Head}
				want.Head = &listB{want.Head, cents(i)}
			}
			wantMapped(t, in, want)
		}},
		{"a value shared twice is copied twice", func(t *testing.T) {
			type line struct{ Qty int }
			type toLine struct{ Qty int }
			type from struct{ A, B *line }
			type to struct{ A, B *toLine }
			shared := &line{1}
			wantMapped(t, from{shared, shared}, to{&toLine{1}, &toLine{1}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.test)
	}
}

func TestMappingMismatch(t *testing.T) {
	tests := []struct {
		name string
		test func(t *testing.T)
	}{
		{"different kinds, deep down", func(t *testing.T) {
			type fromLine struct{ Price string }
			type toLine struct{ Price int64 }
			type from struct{ Lines []fromLine }
			type to struct{ Lines []toLine }
			wantMismatch[from, to](t, "Lines[].Price: string vs int64")
		}},
		{"numbers of different sizes", func(t *testing.T) {
			type from struct{ N int32 }
			type to struct{ N int64 }
			wantMismatch[from, to](t, "N: int32 vs int64")
		}},
		{"pointer and value", func(t *testing.T) {
			type from struct{ P *int }
			type to struct{ P int }
			wantMismatch[from, to](t, "P: *int vs int")
		}},
		{"arrays of different lengths", func(t *testing.T) {
			type from struct{ A [2]int }
			type to struct{ A [3]int }
			wantMismatch[from, to](t, "A: [2]int vs [3]int")
		}},
		{"map keys and values", func(t *testing.T) {
			type from struct{ M map[string]string }
			type to struct{ M map[int]bool }
			wantMismatch[from, to](t, "M[key]: string vs int", "M[]: string vs bool")
		}},
		{"different interfaces", func(t *testing.T) {
			type from struct{ V any }
			type to struct{ V error }
			wantMismatch[from, to](t, "V: interface {} vs error (such types must be identical on both sides)")
		}},
		{"a struct without exported fields", func(t *testing.T) {
			type wall struct{ Wall uint64 }
			type from struct{ At time.Time }
			type to struct{ At wall }
			wantMismatch[from, to](t, "At: time.Time vs broker_test.wall (a struct without exported fields must be the same type on both sides)")
		}},
		{"an unexported embedded struct with unexported fields", func(t *testing.T) {
			type secret struct {
				By string
				//lint:ignore U1000 the unexported state that reflect cannot copy is the point
				hash uint64
			}
			type from struct {
				secret `json:"s"`
			}
			type to struct {
				S secret `json:"s"`
			}
			wantMismatch[from, to](t, "s: broker_test.secret vs broker_test.secret (an unexported embedded struct with unexported fields cannot be copied; export its type or name the field)")
		}},
		{"ambiguous promoted fields", func(t *testing.T) {
			type a struct{ X int }
			type b struct{ X int }
			type from struct {
				a
				b
			}
			type to struct{ X int }
			wantMismatch[from, to](t, "X: int vs int (more than one source field has this name)")
		}},
		{"ambiguous fields on the receiving side", func(t *testing.T) {
			type a struct{ X int }
			type b struct{ X int }
			type from struct{ X int }
			type to struct {
				a
				b
			}
			wantMismatch[from, to](t, "X: int vs int (more than one destination field has this name)")
		}},
		{"every field at once, in field order", func(t *testing.T) {
			type fromLine struct {
				Price string
				Qty   int
			}
			type toLine struct {
				Qty   uint
				Price int64
			}
			type from struct {
				Lines []fromLine
				Title string
				At    map[string]int
			}
			type to struct {
				Title []byte
				Lines []toLine
				At    map[string]int
			}
			wantMismatch[from, to](t, "Title: string vs []uint8", "Lines[].Qty: int vs uint", "Lines[].Price: string vs int64")
		}},
		{"inside a recursive type, reported once", func(t *testing.T) {
			type nodeA struct {
				V    string
				Next *nodeA
			}
			type nodeB struct {
				V    int
				Next *nodeB
			}
			type from struct{ Head nodeA }
			type to struct{ Head nodeB }
			wantMismatch[from, to](t, "Head.V: string vs int")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.test)
	}
}

// TestIdenticalTypesAreShared pins down the documented semantics: a slice,
// map or pointer of the same type on both sides is passed as a function call
// would pass it, and one of different types is copied.
func TestIdenticalTypesAreShared(t *testing.T) {
	type from struct {
		Same  []int
		Other []cents
	}
	type to struct {
		Same  []int
		Other []int64
	}
	b := broker.New()
	var got to
	mustHandle(t, b, "x", func(_ context.Context, req to) (struct{}, error) {
		got = req
		return struct{}{}, nil
	})
	in := from{Same: []int{1}, Other: []cents{1}}
	if _, err := broker.Ask[from, struct{}](context.Background(), b, "x", in); err != nil {
		t.Fatal(err)
	}
	if &got.Same[0] != &in.Same[0] {
		t.Error("a slice of identical type was copied, want it shared")
	}
	if &got.Other[0] == (*int64)(&in.Other[0]) {
		t.Error("a slice of different type was shared, want it copied")
	}
}

// TestCycle checks that a value that refers back to itself fails the ask
// instead of hanging it.
func TestCycle(t *testing.T) {
	ring := &listA{Value: 1}
	ring.Next = &listA{Value: 2, Next: ring}
	selfSlice := []treeA{{Name: "x"}}
	selfSlice[0].Kids = selfSlice
	selfMap := map[string]*treeA{}
	selfMap["me"] = &treeA{ByID: selfMap}

	type fromList struct{ Head *listA }
	type toList struct{ Head *listB }
	type fromTree struct{ Root treeA }
	type toTree struct{ Root treeB }

	tests := []struct {
		name string
		ask  func(b *broker.Broker) error
	}{
		{"pointer cycle in a request", func(b *broker.Broker) error {
			mustHandle(t, b, "x", func(context.Context, toList) (struct{}, error) { return struct{}{}, nil })
			_, err := broker.Ask[fromList, struct{}](context.Background(), b, "x", fromList{ring})
			return err
		}},
		{"pointer cycle in a reply", func(b *broker.Broker) error {
			mustHandle(t, b, "x", func(context.Context, struct{}) (fromList, error) { return fromList{ring}, nil })
			_, err := broker.Ask[struct{}, toList](context.Background(), b, "x", struct{}{})
			return err
		}},
		{"slice cycle", func(b *broker.Broker) error {
			mustHandle(t, b, "x", func(context.Context, toTree) (struct{}, error) { return struct{}{}, nil })
			_, err := broker.Ask[fromTree, struct{}](context.Background(), b, "x", fromTree{treeA{Kids: selfSlice}})
			return err
		}},
		{"map cycle", func(b *broker.Broker) error {
			mustHandle(t, b, "x", func(context.Context, toTree) (struct{}, error) { return struct{}{}, nil })
			_, err := broker.Ask[fromTree, struct{}](context.Background(), b, "x", fromTree{treeA{ByID: selfMap}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- tt.ask(broker.New()) }()
			select {
			case err := <-done:
				if !errors.Is(err, broker.ErrCycle) {
					t.Errorf("Ask = %v, want ErrCycle", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Ask of a cyclic value did not return")
			}
		})
	}
}
