package broker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"example.com/bookapp/shared/broker"
)

// Orders asks books for the titles and prices of the books in an order. Each
// context declares its own types; they share only the name and field names.
func Example() {
	// In books: its request and reply types, and its handler.
	type booksForOrderRequest struct{ BookIDs []int64 }
	type bookSummary struct {
		ID          int64
		Title       string
		ActualPrice int64
		Authors     string
	}
	type booksForOrderReply struct{ Books []bookSummary }
	errBookNotFound := errors.New("book not found")
	booksForOrder := func(_ context.Context, req booksForOrderRequest) (booksForOrderReply, error) {
		var rep booksForOrderReply
		for _, id := range req.BookIDs {
			if id != 1 {
				return booksForOrderReply{}, fmt.Errorf("book %d: %w", id, errBookNotFound)
			}
			rep.Books = append(rep.Books, bookSummary{ID: 1, Title: "Domain-Driven Design", ActualPrice: 4599, Authors: "Eric Evans"})
		}
		return rep, nil
	}

	// In orders: the fields it needs, in types of its own.
	type orderBooksRequest struct{ BookIDs []int64 }
	type orderBook struct {
		Title       string
		ActualPrice int64
	}
	type orderBooksReply struct{ Books []orderBook }

	// In the app: wiring, then a check before serving.
	b := broker.New()
	if err := broker.Handle(b, "books.for-order", booksForOrder); err != nil {
		fmt.Println(err)
		return
	}
	broker.Expect[orderBooksRequest, orderBooksReply](b, "books.for-order")
	if err := b.Verify(); err != nil {
		fmt.Println(err)
		return
	}

	// In orders, at run time.
	ctx := context.Background()
	rep, err := broker.Ask[orderBooksRequest, orderBooksReply](ctx, b, "books.for-order", orderBooksRequest{BookIDs: []int64{1}})
	fmt.Printf("%+v %v\n", rep, err)
	_, err = broker.Ask[orderBooksRequest, orderBooksReply](ctx, b, "books.for-order", orderBooksRequest{BookIDs: []int64{2}})
	fmt.Println(err, errors.Is(err, errBookNotFound))
	// Output:
	// {Books:[{Title:Domain-Driven Design ActualPrice:4599}]} <nil>
	// book 2: book not found true
}

// An asker keeps the Asker that Expect returns and asks through it, without
// naming the handler at run time. Its Ask method is a plain function, which
// is all the code that needs the books has to know.
func ExampleAsker() {
	// In books.
	type titleRequest struct{ ID int64 }
	type titleReply struct{ Title string }
	titleOf := func(_ context.Context, req titleRequest) (titleReply, error) {
		return titleReply{Title: fmt.Sprintf("book %d", req.ID)}, nil
	}

	// In orders: its own types, and a dependency on a function.
	type bookRequest struct{ ID int64 }
	type bookReply struct{ Title string }
	type invoicer struct {
		bookTitle func(context.Context, bookRequest) (bookReply, error)
	}

	// In the app.
	b := broker.New()
	if err := broker.Handle(b, "books.title", titleOf); err != nil {
		fmt.Println(err)
		return
	}
	inv := invoicer{bookTitle: broker.Expect[bookRequest, bookReply](b, "books.title").Ask}
	if err := b.Verify(); err != nil {
		fmt.Println(err)
		return
	}

	// In orders, at run time.
	rep, err := inv.bookTitle(context.Background(), bookRequest{ID: 7})
	fmt.Println(rep.Title, err)
	// Output:
	// book 7 <nil>
}

// An observer that logs asks slower than a threshold and failed ones; an app
// would also record each duration in a histogram by name.
func ExampleWithObserver() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "took" {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	const slow = 100 * time.Millisecond
	b := broker.New(broker.WithObserver(func(name string, d time.Duration, err error) {
		switch {
		case err != nil:
			logger.Error("broker ask failed", "name", name, "took", d, "err", err)
		case d > slow:
			logger.Warn("slow broker ask", "name", name, "took", d)
		}
	}))

	_, _ = broker.Ask[struct{}, struct{}](context.Background(), b, "users.address", struct{}{})
	// Output:
	// level=ERROR msg="broker ask failed" name=users.address err="broker: no handler for \"users.address\""
}
