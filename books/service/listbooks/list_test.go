package listbooks_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/errs"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

// TestListOrders checks each sort and some filters against orders worked out
// by hand from the known data set, ties included.
func TestListOrders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		q    listbooks.Query
		want []string
	}{
		// Golf was created first, Delta with Charlie (and after it by id).
		{listbooks.Query{}, []string{"Juliet", "India", "Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha", "Golf"}},
		{listbooks.Query{Sort: "default"}, []string{"Juliet", "India", "Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha", "Golf"}},
		// 5, 4.33, 4, 3 (Foxtrot after Bravo by id, descending), 1.5, 0,
		// then the books without reviews.
		{listbooks.Query{Sort: "votes"}, []string{"Alpha", "Echo", "Juliet", "Foxtrot", "Bravo", "India", "Golf", "Delta", "Charlie"}},
		{listbooks.Query{Sort: "published"}, []string{"India", "Delta", "Golf", "Echo", "Bravo", "Charlie", "Juliet", "Alpha", "Foxtrot"}},
		// Actual prices: Bravo and Juliet are on promotion.
		{listbooks.Query{Sort: "price"}, []string{"Golf", "Bravo", "Echo", "Foxtrot", "India", "Juliet", "Alpha", "Delta", "Charlie"}},
		{listbooks.Query{Sort: "price_desc"}, []string{"Charlie", "Delta", "Alpha", "Juliet", "India", "Foxtrot", "Echo", "Bravo", "Golf"}},
		// Copies sold 12, 7, 7, 3, 3, 2, 1, 0, 0; ties by id, descending
		// (ids in the order of the fixture); Hotel and Kilo sold more, but
		// are deleted.
		{listbooks.Query{Sort: "bestsellers"}, []string{"Echo", "India", "Bravo", "Delta", "Alpha", "Juliet", "Foxtrot", "Golf", "Charlie"}},
		{listbooks.Query{Sort: "bestsellers", Tag: "Go"}, []string{"Bravo", "Delta", "Alpha", "Juliet", "Golf"}},
		{listbooks.Query{Sort: "bestsellers", Year: new(2021)}, []string{"Echo", "Bravo", "Charlie"}},
		{listbooks.Query{Sort: "bestsellers", Upcoming: true}, []string{"India", "Delta"}},
		{listbooks.Query{Sort: "bestsellers", Votes: new(4)}, []string{"Echo", "Alpha", "Juliet"}},
		{listbooks.Query{Votes: new(4)}, []string{"Juliet", "Echo", "Alpha"}},
		{listbooks.Query{Votes: new(3), Sort: "votes"}, []string{"Alpha", "Echo", "Juliet", "Foxtrot", "Bravo"}},
		{listbooks.Query{Votes: new(1), Sort: "price"}, []string{"Bravo", "Echo", "Foxtrot", "India", "Juliet", "Alpha"}},
		{listbooks.Query{Year: new(2021)}, []string{"Echo", "Charlie", "Bravo"}},
		{listbooks.Query{Year: new(2021), Sort: "published"}, []string{"Echo", "Bravo", "Charlie"}},
		{listbooks.Query{Year: new(2026)}, []string{"Delta", "Golf"}},
		{listbooks.Query{Upcoming: true}, []string{"India", "Delta"}},
		{listbooks.Query{Upcoming: true, Sort: "price"}, []string{"India", "Delta"}},
		{listbooks.Query{Year: new(1999)}, []string{}},
		{listbooks.Query{Tag: "Go"}, []string{"Juliet", "Delta", "Bravo", "Alpha", "Golf"}},
		{listbooks.Query{Tag: "Go", Votes: new(3), Sort: "price"}, []string{"Bravo", "Juliet", "Alpha"}},
		{listbooks.Query{Tag: "Go", Year: new(2021)}, []string{"Bravo"}},
		{listbooks.Query{Tag: "Databases", Sort: "votes"}, []string{"Delta", "Charlie"}},
		{listbooks.Query{Tag: "go"}, []string{}}, // tags are case-sensitive
		{listbooks.Query{Tag: "No such tag"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.q), func(t *testing.T) {
			page, err := f.svc.List(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(tt.want, f.titles(page.Items)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if page.NextCursor != "" {
				t.Errorf("NextCursor = %q on the only page", page.NextCursor)
			}
			// The test's own model of the list agrees, so the exhaustive
			// test below checks against something checked.
			if diff := gocmp.Diff(tt.want, f.expect(tt.q)); diff != "" {
				t.Errorf("the test's model disagrees (-hand +model):\n%s", diff)
			}
		})
	}
}

// TestListEveryCombination walks every sort with every combination of
// filters, one and two books per page, and compares the whole walk with the
// test's model of the list.
func TestListEveryCombination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, sort := range []string{"", "votes", "published", "price", "price_desc", "bestsellers"} {
		for _, votes := range []*int{nil, new(1), new(2), new(3), new(4)} {
			for _, year := range []listbooks.Query{{}, {Year: new(2021)}, {Year: new(2026)}, {Upcoming: true}, {Year: new(1999)}} {
				for _, tag := range []string{"", "Go", "Databases", "Testing", "Nope"} {
					q := listbooks.Query{Sort: sort, Votes: votes, Year: year.Year, Upcoming: year.Upcoming, Tag: tag}
					want := f.expect(q)
					for _, size := range []int{1, 2} {
						q.PageSize = &size
						got := f.titles(f.walk(t, q, nil))
						if diff := gocmp.Diff(want, got); diff != "" {
							t.Errorf("%+v (-want +got):\n%s", q, diff)
						}
					}
				}
			}
		}
	}
}

// TestListItem checks every field of an item.
func TestListItem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	page, err := f.svc.List(context.Background(), listbooks.Query{Sort: "price_desc", PageSize: new(4)})
	if err != nil {
		t.Fatal(err)
	}
	avg := func(v float64) *float64 { return &v }
	want := []listbooks.Item{
		{ID: f.ids["Charlie"], Title: "Charlie", Authors: "Cora Date", PublishedOn: time.Date(2021, 1, 10, 0, 0, 0, 0, time.UTC),
			PriceCents: 3000, ActualPriceCents: 3000, ReviewsCount: 0, AverageVotes: nil, Tags: []string{"Databases"}},
		{ID: f.ids["Delta"], Title: "Delta", Authors: "Cora Date, Ada Byron", PublishedOn: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			PriceCents: 2500, ActualPriceCents: 2500, Tags: []string{"Databases", "Go"}},
		{ID: f.ids["Alpha"], Title: "Alpha", Authors: "Ada Byron, Ben Kernighan", PublishedOn: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC),
			PriceCents: 2000, ActualPriceCents: 2000, ReviewsCount: 2, AverageVotes: avg(5), Tags: []string{"Architecture", "Go"}},
		{ID: f.ids["Juliet"], Title: "Juliet", Authors: "Ida Ives, Ada Byron", PublishedOn: time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC),
			PriceCents: 9999, ActualPriceCents: 1500, PromotionalText: "Half price", ReviewsCount: 1, AverageVotes: avg(4), Tags: []string{"Go", "Testing"}},
	}
	if diff := gocmp.Diff(want, page.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if page.NextCursor == "" {
		t.Error("no NextCursor, but there are more books")
	}
	// A book without tags has an empty list, not nil (JSON [] not null).
	page, err = f.svc.List(context.Background(), listbooks.Query{Sort: "published", Year: new(2018)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Tags == nil || len(page.Items[0].Tags) != 0 {
		t.Errorf("Foxtrot's tags = %#v, want an empty slice", page.Items)
	}
	if page.Items[0].AverageVotes == nil || *page.Items[0].AverageVotes != 3 || page.Items[0].ReviewsCount != 2 {
		t.Errorf("Foxtrot = %+v, want 2 reviews averaging 3", page.Items[0])
	}
}

// TestListWalkWhileBooksArrive inserts books between pages, with sort keys
// that fall before, after and inside the pages already read: the walk must
// still return every book that was there at the start exactly once, and no
// book twice.
func TestListWalkWhileBooksArrive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, sort := range []string{"", "votes", "published", "price", "price_desc", "bestsellers"} {
		t.Run(sort, func(t *testing.T) {
			before := f.expect(listbooks.Query{Sort: sort})
			n := 0
			items := f.walk(t, listbooks.Query{Sort: sort, PageSize: new(3)}, func(page int) {
				if page > 2 {
					return // books arriving at the end on every page would never let the walk end
				}
				for _, b := range []fixtureBook{
					{published: "2019-06-01", price: 1500, promo: -1, stars: []int{4}, tags: []string{"Go"}},
					{published: "2030-01-01", price: 1, promo: -1, stars: []int{5}},
					{published: "1990-01-01", price: 99999, promo: -1},
				} {
					n++
					b.title = fmt.Sprintf("New %s %d", sort, n)
					b.authors = []string{"Nia New"}
					f.insert(t, b, today)
				}
			})
			seen := make(map[uuid.UUID]int)
			for _, it := range items {
				seen[it.ID]++
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("%s listed %d times", f.books[id].title, k)
				}
			}
			for _, title := range before {
				if seen[f.ids[title]] != 1 {
					t.Errorf("%s, there from the start, listed %d times", title, seen[f.ids[title]])
				}
			}
			if n == 0 {
				t.Error("no page break: nothing was inserted")
			}
		})
	}
}

// TestListValidation checks that each bad parameter is named, alone or with
// others, and that nothing is read.
func TestListValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	long := string(bytes.Repeat([]byte("x"), 101))
	tests := []struct {
		q    listbooks.Query
		want []string
	}{
		{listbooks.Query{Sort: "title"}, []string{"sort"}},
		{listbooks.Query{Sort: "Votes"}, []string{"sort"}},
		{listbooks.Query{Votes: new(0)}, []string{"votes"}},
		{listbooks.Query{Votes: new(5)}, []string{"votes"}},
		{listbooks.Query{Votes: new(-3)}, []string{"votes"}},
		{listbooks.Query{Year: new(0)}, []string{"year"}},
		{listbooks.Query{Year: new(10000)}, []string{"year"}},
		{listbooks.Query{Year: new(-202)}, []string{"year"}},
		{listbooks.Query{Year: new(2021), Upcoming: true}, []string{"year"}},
		{listbooks.Query{Tag: long}, []string{"tag"}},
		{listbooks.Query{Tag: "Go\x00"}, []string{"tag"}},
		{listbooks.Query{Tag: "\xff\xfe"}, []string{"tag"}},
		{listbooks.Query{PageSize: new(0)}, []string{"pageSize"}},
		{listbooks.Query{PageSize: new(1001)}, []string{"pageSize"}},
		{listbooks.Query{PageSize: new(-1)}, []string{"pageSize"}},
		{listbooks.Query{PageSize: new(math.MaxInt)}, []string{"pageSize"}},
		{listbooks.Query{Cursor: "garbage!"}, []string{"cursor"}},
		{listbooks.Query{Cursor: "AQE"}, []string{"cursor"}},
		{listbooks.Query{Sort: "x", Votes: new(9), Year: new(0), Tag: long, PageSize: new(0), Cursor: "x"}, []string{"cursor", "pageSize", "sort", "tag", "votes", "year"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.q), func(t *testing.T) {
			_, err := f.svc.List(context.Background(), tt.q)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("List error = %v, want errs.Invalid", err)
			}
			if diff := gocmp.Diff(tt.want, slices.Sorted(maps.Keys(errs.FieldsOf(err)))); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
	// The bounds themselves are fine.
	for _, q := range []listbooks.Query{{PageSize: new(1)}, {PageSize: new(1000)}, {Votes: new(1)}, {Votes: new(4)}, {Year: new(1)}, {Year: new(9999)}, {Year: new(21)}, {Tag: string(bytes.Repeat([]byte("é"), 100))}} {
		if _, err := f.svc.List(context.Background(), q); err != nil {
			t.Errorf("List(%+v): %v", q, err)
		}
	}
}

// TestListCursorMisuse uses cursors with other parameters than they were
// made for, from the other list, and altered: each is a bad cursor, never a
// failure or another list's page.
func TestListCursorMisuse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	first, err := f.svc.List(ctx, listbooks.Query{Sort: "votes", Tag: "Go", PageSize: new(2)})
	if err != nil || first.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, first.NextCursor)
	}
	cur := first.NextCursor
	// The same parameters, another page size: fine.
	next, err := f.svc.List(ctx, listbooks.Query{Sort: "votes", Tag: "Go", PageSize: new(10), Cursor: cur})
	if err != nil {
		t.Fatalf("same list, other page size: %v", err)
	}
	if diff := gocmp.Diff([]string{"Bravo", "Golf", "Delta"}, f.titles(next.Items)); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
	deleted, err := f.svc.ListDeleted(ctx, listbooks.DeletedQuery{PageSize: new(1)})
	if err != nil || deleted.NextCursor == "" {
		t.Fatalf("deleted list: %v, cursor %q", err, deleted.NextCursor)
	}
	bad := []listbooks.Query{
		{Sort: "price", Tag: "Go", Cursor: cur},
		{Sort: "votes", Cursor: cur},
		{Sort: "votes", Tag: "Testing", Cursor: cur},
		{Sort: "votes", Tag: "Go", Votes: new(1), Cursor: cur},
		{Sort: "votes", Tag: "Go", Year: new(2021), Cursor: cur},
		{Sort: "votes", Tag: "Go", Cursor: deleted.NextCursor},
		{Sort: "votes", Tag: "Go", Cursor: cur + "A"},
		{Sort: "votes", Tag: "Go", Cursor: cur[:len(cur)-1]},
		{Sort: "votes", Tag: "Go", Cursor: cur + "="},
	}
	// Every one-character change of the cursor, too.
	for i := range len(cur) {
		for _, c := range []byte{'A', '_', '0'} {
			if cur[i] != c {
				bad = append(bad, listbooks.Query{Sort: "votes", Tag: "Go", Cursor: cur[:i] + string(c) + cur[i+1:]})
			}
		}
	}
	for _, q := range bad {
		// Every edit is refused: the cursor's checksum no longer matches
		// (or it no longer decodes, or it was made for another list).
		page, err := f.svc.List(ctx, q)
		if err == nil {
			t.Errorf("List(%+v) = %v, want errs.Invalid on cursor", q, f.titles(page.Items))
			continue
		}
		if !errors.Is(err, errs.Invalid) || slices.Collect(maps.Keys(errs.FieldsOf(err)))[0] != "cursor" || len(errs.FieldsOf(err)) != 1 {
			t.Errorf("List(%+v) error = %v (fields %v), want errs.Invalid on cursor", q, err, errs.FieldsOf(err))
		}
	}
	if _, err := f.svc.ListDeleted(ctx, listbooks.DeletedQuery{Cursor: cur}); !errors.Is(err, errs.Invalid) || errs.FieldsOf(err)["cursor"] == "" {
		t.Errorf("ListDeleted with a public list's cursor: %v, want errs.Invalid on cursor", err)
	}
}

func TestListDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	page, err := f.svc.ListDeleted(ctx, listbooks.DeletedQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]string{"Kilo", "Hotel"}, f.titles(page.Items)); diff != "" {
		t.Errorf("deleted books (-want +got):\n%s", diff)
	}
	if page.NextCursor != "" {
		t.Errorf("NextCursor = %q on the only page", page.NextCursor)
	}
	if page.Items[1].AverageVotes == nil || *page.Items[1].AverageVotes != 5 || page.Items[1].Authors != "Gil Green" {
		t.Errorf("Hotel = %+v", page.Items[1])
	}
	// Two books deleted at the same moment tie on time and break by id; one
	// per page, the walk returns each deleted book once.
	when := today.Add(time.Hour)
	a := f.insert(t, fixtureBook{title: "Lima", published: "2020-01-01", price: 100, promo: -1, authors: []string{"L"}, deleted: true}, when)
	b := f.insert(t, fixtureBook{title: "Mike", published: "2020-01-01", price: 100, promo: -1, authors: []string{"M"}, deleted: true}, when)
	var got []string
	q := listbooks.DeletedQuery{PageSize: new(1)}
	for range 10 {
		page, err := f.svc.ListDeleted(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f.titles(page.Items)...)
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	want := []string{"Mike", "Lima", "Kilo", "Hotel"}
	if bytes.Compare(a[:], b[:]) > 0 {
		t.Fatal("ids do not ascend")
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("deleted books, one per page (-want +got):\n%s", diff)
	}
	for _, q := range []listbooks.DeletedQuery{{PageSize: new(0)}, {Cursor: "%%%"}} {
		if _, err := f.svc.ListDeleted(ctx, q); !errors.Is(err, errs.Invalid) {
			t.Errorf("ListDeleted(%+v) error = %v, want errs.Invalid", q, err)
		}
	}
}

// expect is the test's model of the list: the titles of the known books
// (and any inserted since) that q keeps, in q's order. It ignores the page
// size and cursor.
func (f *fixture) expect(q listbooks.Query) []string {
	type row struct {
		id   uuid.UUID
		b    fixtureBook
		avg  float64 // -1 without reviews
		date string
	}
	var rows []row
	for id, b := range f.books {
		r := row{id: id, b: b, avg: -1, date: b.published}
		if len(b.stars) > 0 {
			sum := 0
			for _, s := range b.stars {
				sum += s
			}
			r.avg = float64(sum) / float64(len(b.stars))
		}
		switch {
		case b.deleted:
			continue
		case q.Votes != nil && r.avg < float64(*q.Votes):
			continue
		case q.Upcoming && r.date <= today.Format(time.DateOnly):
			continue
		case q.Year != nil && r.date[:4] != fmt.Sprintf("%04d", *q.Year):
			continue
		case q.Tag != "" && !slices.Contains(b.tags, q.Tag):
			continue
		}
		rows = append(rows, r)
	}
	actual := func(b fixtureBook) int64 {
		if b.promo >= 0 {
			return b.promo
		}
		return b.price
	}
	byID := func(a, b row) int { return bytes.Compare(a.id[:], b.id[:]) }
	slices.SortFunc(rows, func(a, b row) int {
		switch q.Sort {
		case "votes":
			return -cmp.Or(cmp.Compare(a.avg, b.avg), byID(a, b))
		case "published":
			return -cmp.Or(cmp.Compare(a.date, b.date), byID(a, b))
		case "price":
			return cmp.Or(cmp.Compare(actual(a.b), actual(b.b)), byID(a, b))
		case "price_desc":
			return -cmp.Or(cmp.Compare(actual(a.b), actual(b.b)), byID(a, b))
		case "bestsellers":
			return -cmp.Or(cmp.Compare(a.b.sold, b.b.sold), byID(a, b))
		default:
			return -cmp.Or(f.created[a.id].Compare(f.created[b.id]), byID(a, b))
		}
	})
	titles := []string{}
	for _, r := range rows {
		titles = append(titles, r.b.title)
	}
	return titles
}
