package broker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/bookapp/shared/broker"
)

// The benchmarks model the example: orders asks books for the title
// and actual price of the books in an order. Both contexts use the same ID
// type (in the app, uuid.UUID); every other type is their own.

type uuid [16]byte

// The provider's (books) types.
type (
	booksForOrderRequest struct {
		BookIDs []uuid
	}
	booksForOrderReply struct {
		Books []bookSummary
	}
	bookSummary struct {
		ID          uuid
		Title       string
		ActualPrice int64
		Currency    string
	}
)

// The asker's (orders) types: same names, its own order and types.
type (
	orderBooksRequest struct {
		BookIDs []uuid
	}
	orderBooksReply struct {
		Books []orderBook
	}
	orderBook struct {
		Title       string
		ActualPrice int64
		Currency    string
		ID          uuid
	}
)

// booksForOrder is the handler. It serves its reply from memory, as from a
// cache, so that the benchmarks measure the broker rather than the handler:
// every allocation they report is the broker's.
func booksForOrder(_ context.Context, req booksForOrderRequest) (booksForOrderReply, error) {
	if len(req.BookIDs) != len(catalogue) {
		return booksForOrderReply{}, errors.New("unknown books")
	}
	return booksForOrderReply{Books: catalogue}, nil
}

var catalogue = []bookSummary{
	{ID: uuid{1}, Title: "Domain-Driven Design", ActualPrice: 4599, Currency: "EUR"},
	{ID: uuid{2}, Title: "Refactoring", ActualPrice: 3999, Currency: "EUR"},
	{ID: uuid{3}, Title: "Patterns of Enterprise Application Architecture", ActualPrice: 5499, Currency: "EUR"},
}

var benchIDs = []uuid{{1}, {2}, {3}}

func newBenchBroker(b *testing.B, opts ...broker.Option) *broker.Broker {
	b.Helper()
	br := broker.New(opts...)
	if err := broker.Handle(br, "books.for-order", booksForOrder); err != nil {
		b.Fatal(err)
	}
	broker.Expect[booksForOrderRequest, booksForOrderReply](br, "books.for-order")
	broker.Expect[orderBooksRequest, orderBooksReply](br, "books.for-order")
	if err := br.Verify(); err != nil {
		b.Fatal(err)
	}
	return br
}

// newBenchAsker is newBenchBroker for one Asker.
func newBenchAsker[Req, Rep any](b *testing.B) *broker.Asker[Req, Rep] {
	b.Helper()
	br := broker.New()
	if err := broker.Handle(br, "books.for-order", booksForOrder); err != nil {
		b.Fatal(err)
	}
	asker := broker.Expect[Req, Rep](br, "books.for-order")
	if err := br.Verify(); err != nil {
		b.Fatal(err)
	}
	return asker
}

var (
	sinkProvider booksForOrderReply
	sinkAsker    orderBooksReply
)

// BenchmarkDirect is the baseline: the handler called through a function
// value, as a consumer would call a contract interface's method.
func BenchmarkDirect(b *testing.B) {
	ctx := context.Background()
	h := booksForOrder
	req := booksForOrderRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := h(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		sinkProvider = rep
	}
}

// BenchmarkAskIdentical asks with the handler's own types: nothing to map.
func BenchmarkAskIdentical(b *testing.B) {
	br := newBenchBroker(b)
	ctx := context.Background()
	req := booksForOrderRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := broker.Ask[booksForOrderRequest, booksForOrderReply](ctx, br, "books.for-order", req)
		if err != nil {
			b.Fatal(err)
		}
		sinkProvider = rep
	}
}

// BenchmarkAskMapped asks with the asker's own types: the broker copies the
// reply's three books into a new slice of the asker's type.
func BenchmarkAskMapped(b *testing.B) {
	br := newBenchBroker(b)
	ctx := context.Background()
	req := orderBooksRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := broker.Ask[orderBooksRequest, orderBooksReply](ctx, br, "books.for-order", req)
		if err != nil {
			b.Fatal(err)
		}
		sinkAsker = rep
	}
}

// BenchmarkAskerIdentical is BenchmarkAskIdentical through the Asker that
// Expect returns: no lookup by name.
func BenchmarkAskerIdentical(b *testing.B) {
	asker := newBenchAsker[booksForOrderRequest, booksForOrderReply](b)
	ctx := context.Background()
	req := booksForOrderRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := asker.Ask(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		sinkProvider = rep
	}
}

// BenchmarkAskerMapped is BenchmarkAskMapped through the Asker that Expect
// returns: no lookup by name.
func BenchmarkAskerMapped(b *testing.B) {
	asker := newBenchAsker[orderBooksRequest, orderBooksReply](b)
	ctx := context.Background()
	req := orderBooksRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := asker.Ask(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		sinkAsker = rep
	}
}

// BenchmarkAskMappedLarge is BenchmarkAskMapped with a reply of 1000 books:
// the cost of the copy per element, once the ask's fixed costs are spread.
func BenchmarkAskMappedLarge(b *testing.B) {
	const n = 1000
	books := make([]bookSummary, n)
	ids := make([]uuid, n)
	for i := range books {
		books[i] = catalogue[i%len(catalogue)]
		ids[i] = books[i].ID
	}
	br := broker.New()
	if err := broker.Handle(br, "books.for-order", func(_ context.Context, req booksForOrderRequest) (booksForOrderReply, error) {
		return booksForOrderReply{Books: books[:len(req.BookIDs)]}, nil
	}); err != nil {
		b.Fatal(err)
	}
	broker.Expect[orderBooksRequest, orderBooksReply](br, "books.for-order")
	if err := br.Verify(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := orderBooksRequest{BookIDs: ids}
	for b.Loop() {
		rep, err := broker.Ask[orderBooksRequest, orderBooksReply](ctx, br, "books.for-order", req)
		if err != nil || len(rep.Books) != n {
			b.Fatal(len(rep.Books), err)
		}
		sinkAsker = rep
	}
}

// BenchmarkAskObserved is BenchmarkAskIdentical with an observer: the cost of
// reading the clock twice and calling it.
func BenchmarkAskObserved(b *testing.B) {
	br := newBenchBroker(b, broker.WithObserver(func(string, time.Duration, error) {}))
	ctx := context.Background()
	req := booksForOrderRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := broker.Ask[booksForOrderRequest, booksForOrderReply](ctx, br, "books.for-order", req)
		if err != nil {
			b.Fatal(err)
		}
		sinkProvider = rep
	}
}

var sinkBooks []orderBook

// BenchmarkMakeReplySlice is not the broker: it is the one allocation that
// BenchmarkAskMapped cannot avoid (a new []orderBook of three), made by
// hand, to read the mapped ask's cost against.
func BenchmarkMakeReplySlice(b *testing.B) {
	for b.Loop() {
		sinkBooks = make([]orderBook, len(catalogue))
	}
}

// BenchmarkMapByHand is not the broker either: the handler called through a
// function value and its reply converted into the asker's types by a
// hand-written function, as a contract with a converter would do it. It is
// the least a mapped ask can cost: the allocation and the same copies,
// compiled for these types.
func BenchmarkMapByHand(b *testing.B) {
	ctx := context.Background()
	h := booksForOrder
	req := orderBooksRequest{BookIDs: benchIDs}
	for b.Loop() {
		rep, err := h(ctx, booksForOrderRequest(req))
		if err != nil {
			b.Fatal(err)
		}
		sinkAsker = toOrderBooks(rep)
	}
}

func toOrderBooks(rep booksForOrderReply) orderBooksReply {
	books := make([]orderBook, len(rep.Books))
	for i, bk := range rep.Books {
		books[i] = orderBook{Title: bk.Title, ActualPrice: bk.ActualPrice, Currency: bk.Currency, ID: bk.ID}
	}
	return orderBooksReply{Books: books}
}
