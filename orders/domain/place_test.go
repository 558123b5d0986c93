package domain_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// catalogue is a BookLookup over a map; it records every call.
type catalogue struct {
	books map[uuid.UUID]domain.Book
	err   error
	calls [][]uuid.UUID
}

func (c *catalogue) BooksForOrder(_ context.Context, ids []uuid.UUID) ([]domain.Book, error) {
	c.calls = append(c.calls, slices.Clone(ids))
	if c.err != nil {
		return nil, c.err
	}
	out := make([]domain.Book, len(ids))
	for i, id := range ids {
		out[i] = c.books[id] // zero, so not Found, for an unknown id
	}
	return out, nil
}

func (c *catalogue) add(title string, priceCents int64, deleted bool) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	c.books[id] = domain.Book{ID: id, Title: title, PriceCents: priceCents, Found: true, Deleted: deleted}
	return id
}

// addressBook is an AddressLookup over a map.
type addressBook struct {
	addresses map[uuid.UUID]domain.Address
	err       error
	calls     int
}

func (a *addressBook) DeliveryAddress(_ context.Context, userID uuid.UUID) (domain.Address, error) {
	a.calls++
	if a.err != nil {
		return domain.Address{}, a.err
	}
	addr, ok := a.addresses[userID]
	if !ok {
		return domain.Address{}, domain.ErrNoAddress
	}
	return addr, nil
}

type placeFixture struct {
	books     *catalogue
	addresses *addressBook
	user      uuid.UUID
	address   domain.Address
	now       time.Time
}

func newPlaceFixture() *placeFixture {
	f := &placeFixture{
		books:     &catalogue{books: map[uuid.UUID]domain.Book{}},
		addresses: &addressBook{addresses: map[uuid.UUID]domain.Address{}},
		user:      uuid.Must(uuid.NewV7()),
		address:   domain.Address{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"},
		now:       time.Date(2026, 5, 7, 16, 30, 0, 123456789, time.UTC), // Thursday
	}
	f.addresses.addresses[f.user] = f.address
	return f
}

func (f *placeFixture) place(b domain.Basket) (*domain.Order, error) {
	return domain.Place(context.Background(), f.user, b, f.books, f.addresses, f.now)
}

func TestPlace(t *testing.T) {
	t.Parallel()
	f := newPlaceFixture()
	ddd := f.books.add("Domain-Driven Design", 4999, false)
	promo := f.books.add("Refactoring", 1250, false) // the actual price: a promotion's
	o, err := f.place(domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{ddd, 2}, {promo, 1}}})
	if err != nil {
		t.Fatalf("Place: %v", err)
	}
	if v := o.ID().Version(); v != 7 {
		t.Errorf("id %v is a UUIDv%d, want v7", o.ID(), v)
	}
	got := []any{o.UserID(), o.Status(), o.PlacedAt(), o.ExpectedDeliveryDate(), o.DeliveryAddress(), o.TotalCents()}
	want := []any{f.user, domain.Placed, time.Date(2026, 5, 7, 16, 30, 0, 123456000, time.UTC),
		time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), // Thursday + 3 is a Sunday
		f.address, int64(2*4999 + 1250)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	type line struct {
		Num      int
		BookID   uuid.UUID
		Title    string
		Price    int64
		Quantity int
	}
	var gotLines []line
	for _, l := range o.Lines() {
		gotLines = append(gotLines, line{l.Num(), l.BookID(), l.Title(), l.UnitPriceCents(), l.Quantity()})
	}
	wantLines := []line{{1, ddd, "Domain-Driven Design", 4999, 2}, {2, promo, "Refactoring", 1250, 1}}
	if diff := cmp.Diff(wantLines, gotLines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]uuid.UUID{{ddd, promo}}, f.books.calls); diff != "" {
		t.Errorf("book lookups (-want +got): all lines in one call, in order:\n%s", diff)
	}
}

// The books' answers may come in any order: lines are matched by id.
func TestPlaceMatchesBooksByID(t *testing.T) {
	t.Parallel()
	f := newPlaceFixture()
	a, b := f.books.add("A", 100, false), f.books.add("B", 200, false)
	reversed := lookupFunc(func(ctx context.Context, ids []uuid.UUID) ([]domain.Book, error) {
		books, err := f.books.BooksForOrder(ctx, ids)
		slices.Reverse(books)
		return books, err
	})
	o, err := domain.Place(context.Background(), f.user, domain.Basket{AcceptTerms: true,
		Lines: []domain.BasketLine{{a, 1}, {b, 1}}}, reversed, f.addresses, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if l := o.Lines(); l[0].Title() != "A" || l[1].UnitPriceCents() != 200 {
		t.Errorf("lines %+v matched to the wrong books", l)
	}
}

type lookupFunc func(ctx context.Context, ids []uuid.UUID) ([]domain.Book, error)

func (f lookupFunc) BooksForOrder(ctx context.Context, ids []uuid.UUID) ([]domain.Book, error) {
	return f(ctx, ids)
}

func TestPlaceBusinessRules(t *testing.T) {
	t.Parallel()
	f := newPlaceFixture()
	ok := f.books.add("For sale", 999, false)
	gone := f.books.add("Soft-deleted", 999, true)
	free := f.books.add("Priced zero", 0, false)
	goneAndFree := f.books.add("Soft-deleted and priced zero", 0, true)
	unknown := uuid.Must(uuid.NewV7())
	lines := func(ids ...uuid.UUID) []domain.BasketLine {
		var ls []domain.BasketLine
		for _, id := range ids {
			ls = append(ls, domain.BasketLine{BookID: id, Quantity: 1})
		}
		return ls
	}
	const terms = "must be true: accept the terms and conditions to place an order"
	tests := []struct {
		name  string
		terms bool
		ids   []uuid.UUID
		want  map[string]string
	}{
		{"terms not accepted", false, []uuid.UUID{ok}, map[string]string{"acceptTerms": terms}},
		{"unknown book", true, []uuid.UUID{ok, unknown}, map[string]string{"lines[1].bookId": "no such book"}},
		{"soft-deleted book", true, []uuid.UUID{gone, ok}, map[string]string{"lines[0].bookId": "the book is no longer sold"}},
		{"book priced 0", true, []uuid.UUID{ok, ok2(f), free}, map[string]string{"lines[2].bookId": "the book is not for sale"}},
		{"deleted wins over price 0", true, []uuid.UUID{goneAndFree}, map[string]string{"lines[0].bookId": "the book is no longer sold"}},
		{"everything at once", false, []uuid.UUID{unknown, gone, free, ok}, map[string]string{
			"acceptTerms":     terms,
			"lines[0].bookId": "no such book",
			"lines[1].bookId": "the book is no longer sold",
			"lines[2].bookId": "the book is not for sale",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := f.place(domain.Basket{AcceptTerms: tt.terms, Lines: lines(tt.ids...)})
			if !errors.Is(err, errs.RuleBroken) || o != nil {
				t.Fatalf("Place = %v, %v; want errs.RuleBroken", o, err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if f.addresses.calls != 0 {
		t.Errorf("the address was looked up %d times for orders that broke a rule", f.addresses.calls)
	}
}

// ok2 adds a second book for sale.
func ok2(f *placeFixture) uuid.UUID { return f.books.add("Also for sale", 1, false) }

func TestPlaceWithoutAddress(t *testing.T) {
	t.Parallel()
	f := newPlaceFixture()
	book := f.books.add("Book", 999, false)
	f.user = uuid.Must(uuid.NewV7()) // no address
	_, err := f.place(domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{book, 1}}})
	if !errors.Is(err, domain.ErrNoAddress) || !errors.Is(err, errs.RuleBroken) {
		t.Errorf("Place error = %v, want ErrNoAddress (rule broken)", err)
	}
}

// Errors of the lookups come back as they are; nothing is made of them.
func TestPlaceLookupFailures(t *testing.T) {
	t.Parallel()
	down := errs.New(errs.Unavailable, "down")
	t.Run("books", func(t *testing.T) {
		t.Parallel()
		f := newPlaceFixture()
		f.books.err = down
		_, err := f.place(domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{uuid.Must(uuid.NewV7()), 1}}})
		if !errors.Is(err, down) {
			t.Errorf("Place error = %v, want %v", err, down)
		}
	})
	t.Run("addresses", func(t *testing.T) {
		t.Parallel()
		f := newPlaceFixture()
		book := f.books.add("Book", 999, false)
		f.addresses.err = down
		_, err := f.place(domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{book, 1}}})
		if !errors.Is(err, down) {
			t.Errorf("Place error = %v, want %v", err, down)
		}
	})
}

func TestBasketValidate(t *testing.T) {
	t.Parallel()
	id := func(int) uuid.UUID { return uuid.Must(uuid.NewV7()) }
	n := func(count, quantity int) []domain.BasketLine {
		ls := make([]domain.BasketLine, count)
		for i := range ls {
			ls[i] = domain.BasketLine{BookID: id(i), Quantity: quantity}
		}
		return ls
	}
	a, b := id(0), id(1)
	tests := []struct {
		name  string
		lines []domain.BasketLine
		want  map[string]string // nil: valid
	}{
		{"one line", n(1, 1), nil},
		{"fifty lines", n(50, 1), nil},
		{"quantity 100", n(1, 100), nil},
		{"no lines", nil, map[string]string{"lines": "must have at least one line"}},
		{"empty lines", []domain.BasketLine{}, map[string]string{"lines": "must have at least one line"}},
		{"51 lines", n(51, 1), map[string]string{"lines": "must have at most 50 lines"}},
		{"quantity 0", n(1, 0), map[string]string{"lines[0].quantity": "must be between 1 and 100"}},
		{"quantity -1", n(1, -1), map[string]string{"lines[0].quantity": "must be between 1 and 100"}},
		{"quantity 101", append(n(2, 1), domain.BasketLine{BookID: id(2), Quantity: 101}),
			map[string]string{"lines[2].quantity": "must be between 1 and 100"}},
		{"no book id", []domain.BasketLine{{Quantity: 1}}, map[string]string{"lines[0].bookId": "is required"}},
		{"duplicate book", []domain.BasketLine{{a, 1}, {b, 1}, {a, 2}, {b, 1}, {a, 1}}, map[string]string{
			"lines[2].bookId": "repeats the book of lines[0]: put all copies of a book on one line",
			"lines[3].bookId": "repeats the book of lines[1]: put all copies of a book on one line",
			"lines[4].bookId": "repeats the book of lines[0]: put all copies of a book on one line",
		}},
		{"many faults at once", []domain.BasketLine{{a, 0}, {a, 101}, {uuid.Nil, 5}}, map[string]string{
			"lines[0].quantity": "must be between 1 and 100",
			"lines[1].bookId":   "repeats the book of lines[0]: put all copies of a book on one line",
			"lines[1].quantity": "must be between 1 and 100",
			"lines[2].bookId":   "is required",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := domain.Basket{Lines: tt.lines, AcceptTerms: true}.Validate()
			if tt.want == nil {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("Validate = %v, want errs.Invalid", err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// Place validates too, before it asks for anything.
func TestPlaceValidatesFirst(t *testing.T) {
	t.Parallel()
	f := newPlaceFixture()
	_, err := f.place(domain.Basket{AcceptTerms: false})
	if !errors.Is(err, errs.Invalid) || len(f.books.calls) != 0 {
		t.Errorf("Place(empty basket) = %v after %d book lookups, want errs.Invalid and none", err, len(f.books.calls))
	}
}

func TestBasketHash(t *testing.T) {
	t.Parallel()
	a, b := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	base := domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{a, 1}, {b, 2}}}
	same := domain.Basket{AcceptTerms: true, Lines: []domain.BasketLine{{a, 1}, {b, 2}}}
	if string(base.Hash()) != string(same.Hash()) {
		t.Error("equal baskets hash differently")
	}
	others := map[string]domain.Basket{
		"terms":          {AcceptTerms: false, Lines: base.Lines},
		"quantity":       {AcceptTerms: true, Lines: []domain.BasketLine{{a, 1}, {b, 3}}},
		"book":           {AcceptTerms: true, Lines: []domain.BasketLine{{a, 1}, {uuid.Must(uuid.NewV7()), 2}}},
		"order of lines": {AcceptTerms: true, Lines: []domain.BasketLine{{b, 2}, {a, 1}}},
		"fewer lines":    {AcceptTerms: true, Lines: base.Lines[:1]},
		"empty":          {},
	}
	seen := map[string]string{string(base.Hash()): "base"}
	for _, name := range slices.Sorted(maps.Keys(others)) {
		h := string(others[name].Hash())
		if prev, dup := seen[h]; dup {
			t.Errorf("basket %q hashes like %q", name, prev)
		}
		seen[h] = name
	}
	if n := len(base.Hash()); n != 32 {
		t.Errorf("hash is %d bytes, want SHA-256's 32", n)
	}
}

func TestNewIdempotencyKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"a", "order-2026-05-07-0001", " spaced key ", strings.Repeat("~", 100), "0123456789abcdef0123456789abcdef"} {
		key, err := domain.NewIdempotencyKey(k)
		if err != nil || key.String() != k || key.IsZero() {
			t.Errorf("NewIdempotencyKey(%q) = %q, %v", k, key.String(), err)
		}
	}
	for _, k := range []string{"", strings.Repeat("k", 101), "tab\there", "new\nline", "del\x7f", "naïve", "\x00"} {
		_, err := domain.NewIdempotencyKey(k)
		if !errors.Is(err, errs.Invalid) || errs.FieldsOf(err)["idempotencyKey"] == "" {
			t.Errorf("NewIdempotencyKey(%q) error = %v, want invalid idempotencyKey", k, err)
		}
	}
	if !(domain.IdempotencyKey{}).IsZero() {
		t.Error("the zero key is not IsZero")
	}
}

func ExampleExpectedDeliveryDate() {
	thursday := time.Date(2026, 5, 7, 16, 30, 0, 0, time.UTC)
	fmt.Println(domain.ExpectedDeliveryDate(thursday).Format("Monday 2006-01-02"))
	// Output: Monday 2026-05-11
}
