package domain

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"

	"example.com/bookapp/shared/errs"
	"github.com/google/uuid"
)

// The limits of a basket, as the API documents them.
const (
	MaxLines    = 50
	MaxQuantity = 100
)

// A Basket is an order as the customer asks for it: which books, how many of
// each, and whether they accept the shop's terms. Prices are never part of
// it: they come from the books context.
type Basket struct {
	Lines       []BasketLine
	AcceptTerms bool
}

// A BasketLine is one book of a basket and how many copies of it.
type BasketLine struct {
	BookID   uuid.UUID
	Quantity int
}

// Validate checks the basket's shape on its own, before anything is looked
// up: 1..MaxLines lines, each with a book id that no earlier line has and a
// quantity of 1..MaxQuantity. It returns one errs.Invalid error naming every
// field at fault by JSON path ("lines", "lines[2].bookId",
// "lines[0].quantity"), or nil. Whether the books exist and are for sale,
// and whether the terms are accepted, are business rules that Place checks.
func (b Basket) Validate() error {
	f := errs.Fields{}
	f.Check("lines", len(b.Lines) == 0, "must have at least one line")
	f.Check("lines", len(b.Lines) > MaxLines, "must have at most "+strconv.Itoa(MaxLines)+" lines")
	first := make(map[uuid.UUID]int, len(b.Lines))
	for i, l := range b.Lines {
		j, seen := first[l.BookID]
		f.Check(linePath(i, "bookId"), l.BookID == uuid.Nil, "is required")
		f.Check(linePath(i, "bookId"), seen, fmt.Sprintf("repeats the book of lines[%d]: put all copies of a book on one line", j))
		if !seen {
			first[l.BookID] = i
		}
		f.Check(linePath(i, "quantity"), l.Quantity < 1 || l.Quantity > MaxQuantity, "must be between 1 and "+strconv.Itoa(MaxQuantity))
	}
	return f.Err(errs.Invalid)
}

// BookIDs returns the basket's book ids, in line order.
func (b Basket) BookIDs() []uuid.UUID {
	ids := make([]uuid.UUID, len(b.Lines))
	for i, l := range b.Lines {
		ids[i] = l.BookID
	}
	return ids
}

// Hash returns a SHA-256 of everything the basket asks for, in order. Two
// requests with the same Idempotency-Key must have the same hash.
func (b Basket) Hash() []byte {
	h := sha256.New()
	fmt.Fprintf(h, "basket/v1 acceptTerms=%t lines=%d\n", b.AcceptTerms, len(b.Lines))
	for _, l := range b.Lines {
		fmt.Fprintf(h, "%s %d\n", l.BookID, l.Quantity)
	}
	return h.Sum(nil)
}

func linePath(i int, field string) string {
	return "lines[" + strconv.Itoa(i) + "]." + field
}

// A Book is what an order needs to know of a book when it is placed, as the
// books context tells it.
type Book struct {
	ID         uuid.UUID
	Title      string
	PriceCents int64 // the actual price now, promotion included
	Found      bool  // false: no book has the id (the other fields are zero)
	Deleted    bool  // soft-deleted: hidden from the catalogue and no longer sold
}

// A BookLookup tells what orders needs to know about books; the orders
// context implements it by asking the books context through the broker.
type BookLookup interface {
	// BooksForOrder returns a Book for each of ids (with Found false for an
	// id no book has), all in one round trip. An error means the books
	// could not be looked up at all.
	BooksForOrder(ctx context.Context, ids []uuid.UUID) ([]Book, error)
}

// An AddressLookup gives a customer's current delivery address; the orders
// context implements it over the users context's contracts.AddressProvider.
type AddressLookup interface {
	// DeliveryAddress returns the address of customer userID, or
	// ErrNoAddress when they have set none.
	DeliveryAddress(ctx context.Context, userID uuid.UUID) (Address, error)
}

// Price looks the basket's books up and prices its lines as Place would
// now. It returns Validate's errs.Invalid error (and no lines), an error of
// the lookup, or the lines with an errs.RuleBroken error naming each line
// whose book is unknown ("no such book"), no longer sold or not for sale:
// the basket page shows those lines with their problem.
func Price(ctx context.Context, basket Basket, books BookLookup) ([]Line, error) {
	if err := basket.Validate(); err != nil {
		return nil, err
	}
	found, err := books.BooksForOrder(ctx, basket.BookIDs())
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]Book, len(found))
	for _, b := range found {
		byID[b.ID] = b
	}
	f := errs.Fields{}
	lines := make([]Line, len(basket.Lines))
	for i, l := range basket.Lines {
		b := byID[l.BookID]
		path := linePath(i, "bookId")
		f.Check(path, !b.Found || b.ID != l.BookID, "no such book")
		f.Check(path, b.Deleted, "the book is no longer sold")
		f.Check(path, b.PriceCents <= 0, "the book is not for sale")
		lines[i] = Line{num: i + 1, bookID: l.BookID, title: b.Title, priceCents: b.PriceCents, quantity: l.Quantity}
	}
	return lines, f.Err(errs.RuleBroken)
}

// Place is the business logic of placing an order: it returns a new placed
// order of basket for customer userID at now, or the reason it cannot be
// placed. In turn:
//
//   - the basket must be valid (Basket.Validate's errs.Invalid error);
//   - the customer must accept the terms, and every book must exist, still be
//     sold and have a price above zero (a book priced 0 is not for sale): one
//     errs.RuleBroken error names every field at fault, "acceptTerms" and
//     "lines[i].bookId";
//   - the customer must have a delivery address (ErrNoAddress).
//
// Each line takes the book's title and actual price from books, and the
// order takes a copy of the address: none of them changes afterwards. The
// expected delivery date follows ExpectedDeliveryDate. Errors of books and
// addresses are returned as they are.
func Place(ctx context.Context, userID uuid.UUID, basket Basket, books BookLookup, addresses AddressLookup, now time.Time) (*Order, error) {
	lines, err := Price(ctx, basket, books)
	if err != nil && !errors.Is(err, errs.RuleBroken) {
		return nil, err
	}
	// The terms are checked with the books, so that a customer learns
	// every broken rule at once.
	f := errs.Fields{}
	f.Merge(err)
	f.Check("acceptTerms", !basket.AcceptTerms, "must be true: accept the terms and conditions to place an order")
	if err := f.Err(errs.RuleBroken); err != nil {
		return nil, err
	}
	address, err := addresses.DeliveryAddress(ctx, userID)
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new order id: %w", err)
	}
	placedAt := now.UTC().Truncate(time.Microsecond) // what PostgreSQL keeps
	return &Order{
		id:           id,
		userID:       userID,
		status:       Placed,
		placedAt:     placedAt,
		deliveryDate: ExpectedDeliveryDate(placedAt),
		address:      address,
		lines:        lines,
	}, nil
}
