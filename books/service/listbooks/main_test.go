package listbooks_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/books/persistence"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/devtools/testdb"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// today is the fixture's clock: books published after it are upcoming.
var today = time.Date(2026, 5, 6, 14, 30, 0, 0, time.UTC)

// A fixtureBook is a book of the known data set, as the test writes it.
type fixtureBook struct {
	title     string
	published string // YYYY-MM-DD
	price     int64  // cents
	promo     int64  // the actual price under a promotion; -1 for none
	stars     []int  // one review per entry
	tags      []string
	authors   []string
	deleted   bool
	sold      int // copies, recorded as one order's purchase (Store.RecordPurchases)
}

// known is the data set every list test reads. It is inserted in this order,
// so ids (UUIDv7) ascend down the list, and created a minute apart, but for
// Golf, created a day earlier than all, and Delta, created with Charlie. It
// has ties on every sort key: C and D on creation, B and E on publication
// date, B and F on votes, E, F, I and J on actual price; C and D have no
// reviews; H and K are deleted; G is published today, so it is not upcoming,
// while D and I are.
var known = []fixtureBook{
	{title: "Alpha", published: "2019-03-01", price: 2000, promo: -1, stars: []int{5, 5}, tags: []string{"Go", "Architecture"}, authors: []string{"Ada Byron", "Ben Kernighan"}, sold: 3},
	{title: "Bravo", published: "2021-07-15", price: 1500, promo: 750, stars: []int{3}, tags: []string{"Go"}, authors: []string{"Ben Kernighan"}, sold: 7},
	{title: "Charlie", published: "2021-01-10", price: 3000, promo: -1, tags: []string{"Databases"}, authors: []string{"Cora Date"}},
	{title: "Delta", published: "2026-09-01", price: 2500, promo: -1, tags: []string{"Go", "Databases"}, authors: []string{"Cora Date", "Ada Byron"}, sold: 3},
	{title: "Echo", published: "2021-07-15", price: 1500, promo: -1, stars: []int{4, 4, 5}, tags: []string{"Architecture"}, authors: []string{"Eve Evans"}, sold: 12},
	{title: "Foxtrot", published: "2018-12-31", price: 1500, promo: -1, stars: []int{2, 4}, authors: []string{"Eve Evans"}, sold: 1},
	{title: "Golf", published: "2026-05-06", price: 0, promo: -1, stars: []int{0}, tags: []string{"Go"}, authors: []string{"Gil Green"}},
	{title: "Hotel", published: "2021-05-05", price: 1000, promo: -1, stars: []int{5}, tags: []string{"Go"}, authors: []string{"Gil Green"}, deleted: true, sold: 50},
	{title: "India", published: "2027-01-01", price: 1500, promo: -1, stars: []int{1, 2}, tags: []string{"Testing"}, authors: []string{"Ida Ives"}, sold: 7},
	{title: "Juliet", published: "2020-02-29", price: 9999, promo: 1500, stars: []int{4}, tags: []string{"Testing", "Go"}, authors: []string{"Ida Ives", "Ada Byron"}, sold: 2},
	{title: "Kilo", published: "2022-01-01", price: 4200, promo: -1, tags: []string{"Go"}, authors: []string{"Ada Byron"}, deleted: true, sold: 9},
}

// A fixture is the list service over a fresh database holding known.
type fixture struct {
	svc     *listbooks.Service
	pool    *pgxpool.Pool
	ids     map[string]uuid.UUID // by title
	books   map[uuid.UUID]fixtureBook
	created map[uuid.UUID]time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	pool := testdb.New(t, persistence.Migrations())
	f := &fixture{
		svc:     listbooks.New(pool, func() time.Time { return today }),
		pool:    pool,
		ids:     make(map[string]uuid.UUID),
		books:   make(map[uuid.UUID]fixtureBook),
		created: make(map[uuid.UUID]time.Time),
	}
	for i, b := range known {
		at := today.Add(time.Duration(i) * time.Minute)
		switch b.title {
		case "Golf":
			at = today.Add(-24 * time.Hour)
		case "Delta":
			at = today.Add(2 * time.Minute) // Charlie's
		}
		f.insert(t, b, at)
	}
	return f
}

// insert writes b with plain SQL — the book, its authors, tags and reviews —
// with the cached columns agreeing with those rows, and returns its id. The
// book is created at created and, if b.deleted, deleted an hour later.
func (f *fixture) insert(t testing.TB, b fixtureBook, created time.Time) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	actual, promoText := b.price, (*string)(nil)
	if b.promo >= 0 {
		actual, promoText = b.promo, new("Half price")
	}
	var deleted *time.Time
	if b.deleted {
		deleted = new(created.Add(time.Hour))
	}
	sum := 0
	for _, s := range b.stars {
		sum += s
	}
	tags := slices.Sorted(slices.Values(b.tags))
	if tags == nil {
		tags = []string{}
	}
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		batch.Queue(`
			INSERT INTO books.books (id, title, published_on, price_cents, promotion_text, actual_price_cents,
				authors_string, tag_names, reviews_count, votes_sum, deleted_at, created_at)
			VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, b.title, b.published, b.price, promoText, actual,
			strings.Join(b.authors, ", "), tags, len(b.stars), sum, deleted, created)
		for pos, name := range b.authors {
			batch.Queue(`INSERT INTO books.authors (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, uuid.Must(uuid.NewV7()), name)
			batch.Queue(`INSERT INTO books.book_authors (book_id, position, author_id) SELECT $1, $2, id FROM books.authors WHERE name = $3`, id, pos, name)
		}
		for _, tag := range b.tags {
			batch.Queue(`INSERT INTO books.tags (name) VALUES ($1) ON CONFLICT DO NOTHING`, tag)
			// The tag row copies the book's list keys, as the write path
			// keeps them.
			batch.Queue(`INSERT INTO books.book_tags (book_id, tag_name, created_at, average_votes, published_on, actual_price_cents, deleted_at)
				SELECT id, $2, created_at, average_votes, published_on, actual_price_cents, deleted_at FROM books.books WHERE id = $1`, id, tag)
		}
		for _, s := range b.stars {
			batch.Queue(`INSERT INTO books.reviews (id, book_id, voter_name, num_stars, created_at) VALUES ($1, $2, 'Reader', $3, $4)`,
				uuid.Must(uuid.NewV7()), id, s, today)
		}
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		t.Fatalf("insert %s: %v", b.title, err)
	}
	if b.sold > 0 {
		// Through the consumer's own write and the listing that copies the
		// count to the book and its tag rows.
		store := persistence.NewStore(f.pool)
		err := store.RecordPurchases(ctx, "test.sales", []persistence.Purchase{{EventID: uuid.Must(uuid.NewV7()),
			OrderID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), Sales: []persistence.Sale{{BookID: id, Quantity: b.sold}}}})
		if err != nil {
			t.Fatalf("sell %s: %v", b.title, err)
		}
		if n, busy, err := store.ListSales(ctx, 1000); err != nil || busy || n != 1 {
			t.Fatalf("list the sales of %s: %d books, busy %t, %v", b.title, n, busy, err)
		}
	}
	f.ids[b.title] = id
	f.books[id] = b
	f.created[id] = created
	return id
}

// titles returns the titles of items, in order.
func (f *fixture) titles(items []listbooks.Item) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

// walk reads every page of q with page size n and returns the items in the
// order read, failing on any error or on more pages than there are books.
func (f *fixture) walk(t testing.TB, q listbooks.Query, between func(page int)) []listbooks.Item {
	t.Helper()
	var all []listbooks.Item
	for page := 1; ; page++ {
		if page > 100 {
			t.Fatalf("%+v: more than 100 pages", q)
		}
		p, err := f.svc.List(context.Background(), q)
		if err != nil {
			t.Fatalf("%+v: page %d: %v", q, page, err)
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		if len(p.Items) == 0 {
			t.Fatalf("%+v: page %d is empty but has a next cursor", q, page)
		}
		if between != nil {
			between(page)
		}
		q.Cursor = p.NextCursor
	}
}
