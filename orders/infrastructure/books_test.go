package infrastructure_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/infrastructure"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// The books side of the contract as the books context declares it: its own
// types, with a named money type and a field orders does not read.
type (
	cents          int64
	booksRequest   struct{ BookIDs []uuid.UUID }
	booksReply     struct{ Books []booksReplyBook }
	booksReplyBook struct {
		ID                        uuid.UUID
		Title                     string
		ActualPriceCents          cents
		Found, Deleted, Orderable bool
	}
)

// handle registers h as books' handler of the contract on a new broker, and
// returns the broker with orders' catalogue asking through it, verified.
func handle(t *testing.T, h func(context.Context, booksRequest) (booksReply, error)) *infrastructure.Catalogue {
	t.Helper()
	b := broker.New()
	if err := broker.Handle(b, infrastructure.BooksForOrder, h); err != nil {
		t.Fatal(err)
	}
	c := infrastructure.NewCatalogue(b)
	if err := b.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return c
}

func TestCatalogueAsksBooks(t *testing.T) {
	t.Parallel()
	known, gone, unknown := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	var asked [][]uuid.UUID
	c := handle(t, func(_ context.Context, req booksRequest) (booksReply, error) {
		asked = append(asked, req.BookIDs)
		var rep booksReply
		for _, id := range req.BookIDs {
			switch id {
			case known:
				rep.Books = append(rep.Books, booksReplyBook{ID: id, Title: "Known", ActualPriceCents: 1250, Found: true, Orderable: true})
			case gone:
				rep.Books = append(rep.Books, booksReplyBook{ID: id, Title: "Gone", ActualPriceCents: 999, Found: true, Deleted: true})
			default:
				rep.Books = append(rep.Books, booksReplyBook{})
			}
		}
		return rep, nil
	})
	got, err := c.BooksForOrder(context.Background(), []uuid.UUID{unknown, known, gone})
	if err != nil {
		t.Fatalf("BooksForOrder: %v", err)
	}
	want := []domain.Book{
		{ID: unknown},
		{ID: known, Title: "Known", PriceCents: 1250, Found: true},
		{ID: gone, Title: "Gone", PriceCents: 999, Found: true, Deleted: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("books (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]uuid.UUID{{unknown, known, gone}}, asked); diff != "" {
		t.Errorf("asks (-want +got): one for all ids, in order:\n%s", diff)
	}
}

// Whatever goes wrong on the way to books is ErrBooksUnavailable (503), and
// never carries books' own error kind, which could turn it into a 404 or 400.
func TestCatalogueFailures(t *testing.T) {
	t.Parallel()
	id := uuid.Must(uuid.NewV7())
	tests := []struct {
		name    string
		handler func(context.Context, booksRequest) (booksReply, error)
		want    string // in the error's text
	}{
		{"handler error of another kind", func(context.Context, booksRequest) (booksReply, error) {
			return booksReply{}, errs.New(errs.NotFound, "books: no such shelf")
		}, "no such shelf"},
		{"books' database down", func(context.Context, booksRequest) (booksReply, error) {
			return booksReply{}, errs.New(errs.Unavailable, "the database is unavailable")
		}, "the database is unavailable"},
		{"handler panic", func(context.Context, booksRequest) (booksReply, error) {
			panic("index out of range")
		}, "index out of range"},
		{"too few answers", func(context.Context, booksRequest) (booksReply, error) {
			return booksReply{}, nil
		}, "0 books answered for 1 ids"},
		{"answer for another book", func(context.Context, booksRequest) (booksReply, error) {
			return booksReply{Books: []booksReplyBook{{ID: uuid.Must(uuid.NewV7()), Found: true}}}, nil
		}, "answer 0 is book"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := handle(t, tt.handler).BooksForOrder(context.Background(), []uuid.UUID{id})
			if !errors.Is(err, infrastructure.ErrBooksUnavailable) || errs.KindOf(err) != errs.Unavailable {
				t.Errorf("error = %v (kind %v), want ErrBooksUnavailable and nothing else", err, errs.KindOf(err))
			}
			if err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestCatalogueWithoutHandler(t *testing.T) {
	t.Parallel()
	b := broker.New()
	c := infrastructure.NewCatalogue(b)
	err := b.Verify()
	if !errors.Is(err, broker.ErrNoHandler) || !strings.Contains(err.Error(), infrastructure.BooksForOrder) {
		t.Errorf("Verify = %v, want ErrNoHandler naming %s", err, infrastructure.BooksForOrder)
	}
	_, err = c.BooksForOrder(context.Background(), []uuid.UUID{uuid.Must(uuid.NewV7())})
	if !errors.Is(err, infrastructure.ErrBooksUnavailable) || !strings.Contains(err.Error(), "no handler") {
		t.Errorf("BooksForOrder = %v, want ErrBooksUnavailable saying there is no handler", err)
	}
}

// A handler whose types no longer map fails Verify, naming the field.
func TestCatalogueContractBroken(t *testing.T) {
	t.Parallel()
	type brokenBook struct {
		ID               uuid.UUID
		ActualPriceCents string // was an integer of cents
	}
	type brokenReply struct{ Books []brokenBook }
	b := broker.New()
	err := broker.Handle(b, infrastructure.BooksForOrder, func(context.Context, booksRequest) (brokenReply, error) {
		return brokenReply{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := infrastructure.NewCatalogue(b)
	err = b.Verify()
	var me *broker.MappingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "Books[].ActualPriceCents") {
		t.Errorf("Verify = %v, want a MappingError naming Books[].ActualPriceCents", err)
	}
	if _, err := c.BooksForOrder(context.Background(), nil); !errors.Is(err, infrastructure.ErrBooksUnavailable) {
		t.Errorf("BooksForOrder = %v, want ErrBooksUnavailable", err)
	}
}

// A request the client cancelled stays cancelled: it is not an outage.
func TestCatalogueCancelled(t *testing.T) {
	t.Parallel()
	c := handle(t, func(context.Context, booksRequest) (booksReply, error) { return booksReply{}, nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.BooksForOrder(ctx, []uuid.UUID{uuid.Must(uuid.NewV7())})
	if !errors.Is(err, context.Canceled) || errs.KindOf(err) != nil {
		t.Errorf("error = %v, want context.Canceled of no kind", err)
	}
}
