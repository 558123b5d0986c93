package broker_test

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"example.com/bookapp/shared/broker"
)

// The asker's type, sent as the request and received back as the reply.
type fuzzOrder struct {
	Customer string
	Total    int64
	Small    uint8
	Ratio    float64
	Gift     bool
	Note     []byte
	Tags     []string
	Counts   map[string]int32
	Address  *fuzzAddress
	Lines    []fuzzLine
	ID       [16]byte
}

type fuzzAddress struct {
	Street string
	Zip    string
}

// fuzzLine has, besides plain fields, fields that are copied deep, so that
// the ops that allocate run over the elements of Lines.
type fuzzLine struct {
	SKU   string
	Qty   int32
	Tags  []string
	Attrs map[string]int32
	Alt   *fuzzAddress
	Pair  [2]string
}

// The handler's type: the same field names in another order, with its own
// named and nested types, so that every value crosses two copy plans.
type (
	fuzzHandlerOrder struct {
		ID       fuzzID
		Lines    []fuzzHandlerLine
		Address  *fuzzHandlerAddress
		Counts   map[fuzzTag]fuzzQty
		Tags     []fuzzTag
		Note     fuzzBytes
		Gift     bool
		Ratio    float64
		Small    uint8
		Total    int64  `json:"Total"`
		Buyer    string `json:"Customer"`
		Discount int64  // the asker has none: stays zero, then is dropped
	}
	fuzzHandlerAddress struct{ Zip, Street string }
	fuzzHandlerLine    struct {
		Pair  [2]fuzzTag
		Alt   *fuzzHandlerAddress
		Attrs map[fuzzTag]fuzzQty
		Tags  []fuzzTag
		Qty   fuzzQty
		SKU   fuzzTag
	}
	fuzzID    [16]byte
	fuzzTag   string
	fuzzQty   int32
	fuzzBytes []byte
)

// FuzzRoundTrip sends an order built from random values to a handler that
// echoes it back, by Ask and through an Asker, and checks that it survives
// the two mappings.
func FuzzRoundTrip(f *testing.F) {
	f.Add("Ann", int64(4599), uint8(3), 0.25, true, []byte("gift wrap"), "new,sale", 2)
	f.Add("", int64(0), uint8(0), 0.0, false, []byte(nil), "", 0)
	f.Add("Ünïcødé", int64(math.MinInt64), uint8(255), math.Inf(-1), false, []byte{}, ",,", 7)
	f.Add("x", int64(math.MaxInt64), uint8(1), math.NaN(), true, []byte{0, 1, 2, 255}, "a,a,b", -5)

	b := broker.New()
	if err := broker.Handle(b, "orders.echo", func(_ context.Context, o fuzzHandlerOrder) (fuzzHandlerOrder, error) {
		return o, nil
	}); err != nil {
		f.Fatal(err)
	}
	asker := broker.Expect[fuzzOrder, fuzzOrder](b, "orders.echo")
	if err := b.Verify(); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, customer string, total int64, small uint8, ratio float64, gift bool, note []byte, tags string, lines int) {
		in := fuzzOrder{Customer: customer, Total: total, Small: small, Ratio: ratio, Gift: gift, Note: note}
		copy(in.ID[:], customer)
		if tags != "" {
			in.Tags = strings.Split(tags, ",")
			in.Counts = make(map[string]int32)
			for _, tag := range in.Tags {
				in.Counts[tag]++
			}
		}
		if lines%2 != 0 {
			in.Address = &fuzzAddress{Street: customer, Zip: tags}
		}
		for i := range lines % 8 {
			l := fuzzLine{SKU: tags, Qty: int32(i) * int32(small), Pair: [2]string{customer, tags}}
			if i%2 == 1 { // every other line has its deep fields set
				l.Tags = in.Tags[:min(i, len(in.Tags))]
				l.Attrs = in.Counts
				l.Alt = &fuzzAddress{Street: tags, Zip: customer}
			}
			in.Lines = append(in.Lines, l)
		}

		byName, err := broker.Ask[fuzzOrder, fuzzOrder](context.Background(), b, "orders.echo", in)
		if err != nil {
			t.Fatal(err)
		}
		byAsker, err := asker.Ask(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		if math.IsNaN(in.Ratio) {
			want.Ratio = 0 // NaN != NaN, so checked apart
		}
		for how, out := range map[string]fuzzOrder{"Ask": byName, "Asker.Ask": byAsker} {
			if math.IsNaN(in.Ratio) {
				if !math.IsNaN(out.Ratio) {
					t.Errorf("%s: Ratio NaN came back as %v", how, out.Ratio)
				}
				out.Ratio = 0
			}
			if !reflect.DeepEqual(out, want) {
				t.Errorf("%s: round trip changed the order:\n got %+v\nwant %+v", how, out, want)
			}
			if len(in.Note) > 0 && &out.Note[0] == &in.Note[0] {
				t.Errorf("%s: Note came back sharing the request's memory; its type differs on the way, so it must be copied", how)
			}
		}
	})
}
