package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The books JSON as a client reads it.
type (
	bookJSON struct {
		ID              string       `json:"id"`
		Title           string       `json:"title"`
		Authors         []string     `json:"authors"`
		PublishedOn     string       `json:"publishedOn"`
		Price           float64      `json:"price"`
		ActualPrice     float64      `json:"actualPrice"`
		PromotionalText *string      `json:"promotionalText"`
		ReviewsCount    int          `json:"reviewsCount"`
		AverageVotes    *float64     `json:"averageVotes"`
		Tags            []string     `json:"tags"`
		Description     *string      `json:"description"`
		Publisher       *string      `json:"publisher"`
		ImageURL        *string      `json:"imageUrl"`
		Reviews         []reviewJSON `json:"reviews"`
	}
	reviewJSON struct {
		ID        string  `json:"id"`
		VoterName string  `json:"voterName"`
		NumStars  int     `json:"numStars"`
		Comment   *string `json:"comment"`
		CreatedAt string  `json:"createdAt"`
		// VerifiedPurchase: the reviewer bought the book (orders' events).
		VerifiedPurchase bool `json:"verifiedPurchase"`
	}
	bookSummaryJSON struct {
		ID              string   `json:"id"`
		Title           string   `json:"title"`
		Authors         string   `json:"authors"`
		PublishedOn     string   `json:"publishedOn"`
		Price           float64  `json:"price"`
		ActualPrice     float64  `json:"actualPrice"`
		PromotionalText *string  `json:"promotionalText"`
		ReviewsCount    int      `json:"reviewsCount"`
		AverageVotes    *float64 `json:"averageVotes"`
		Tags            []string `json:"tags"`
	}
	bookPageJSON struct {
		Items      []bookSummaryJSON `json:"items"`
		NextCursor *string           `json:"nextCursor"`
	}
)

// newBookBody is a valid POST /api/books body; change edits it.
func newBookBody(change func(map[string]any)) map[string]any {
	b := map[string]any{
		"title":       "Designing Data-Intensive Applications",
		"description": "The big ideas behind reliable, scalable systems.",
		"publishedOn": "2017-03-16",
		"publisher":   "O'Reilly",
		"price":       39.9,
		"imageUrl":    "https://example.com/ddia.jpg",
		"authors":     []string{"Martin Kleppmann"},
		"tags":        []string{"Databases", "Architecture"},
	}
	if change != nil {
		change(b)
	}
	return b
}

// adminAddsBook adds a book as the administrator and returns it.
func adminAddsBook(t *testing.T, srv *httptest.Server, adminToken string, change func(map[string]any)) bookJSON {
	t.Helper()
	r := do(t, srv, "POST", "/api/books", adminToken, newBookBody(change))
	b := decode[bookJSON](t, r, http.StatusCreated)
	if loc := r.header.Get("Location"); loc != "/api/books/"+b.ID {
		t.Errorf("Location = %q, want /api/books/%s", loc, b.ID)
	}
	return b
}

func TestBooksLifecycle(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	register(t, srv, "ann@example.com")
	ann := login(t, srv, "ann@example.com")

	r := do(t, srv, "POST", "/api/books", admin, newBookBody(func(b map[string]any) { b["authors"] = []string{"Martin Kleppmann", "Ann Other"} }))
	created := decode[bookJSON](t, r, http.StatusCreated)
	want := bookJSON{
		ID:          created.ID,
		Title:       "Designing Data-Intensive Applications",
		Authors:     []string{"Martin Kleppmann", "Ann Other"},
		PublishedOn: "2017-03-16",
		Price:       39.9,
		ActualPrice: 39.9,
		Tags:        []string{"Architecture", "Databases"},
		Description: new("The big ideas behind reliable, scalable systems."),
		Publisher:   new("O'Reilly"),
		ImageURL:    new("https://example.com/ddia.jpg"),
		Reviews:     []reviewJSON{},
	}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	for _, s := range []string{`"price":39.90`, `"promotionalText":null`, `"averageVotes":null`, `"reviews":[]`} {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("created body %s lacks %s", r.body, s)
		}
	}
	path := "/api/books/" + created.ID

	// Anyone reads it: the detail, the list, the tags.
	if got := decode[bookJSON](t, do(t, srv, "GET", path, "", nil), http.StatusOK); !cmp.Equal(got, created) {
		t.Errorf("GET detail differs from the created book:\n%s", cmp.Diff(created, got))
	}
	page := decode[bookPageJSON](t, do(t, srv, "GET", "/api/books", "", nil), http.StatusOK)
	wantItem := bookSummaryJSON{ID: created.ID, Title: created.Title, Authors: "Martin Kleppmann, Ann Other",
		PublishedOn: "2017-03-16", Price: 39.9, ActualPrice: 39.9, Tags: []string{"Architecture", "Databases"}}
	if diff := cmp.Diff(bookPageJSON{Items: []bookSummaryJSON{wantItem}}, page); diff != "" {
		t.Errorf("GET /api/books (-want +got):\n%s", diff)
	}
	if tags := decode[[]string](t, do(t, srv, "GET", "/api/tags", "", nil), http.StatusOK); !cmp.Equal(tags, []string{"Architecture", "Databases"}) {
		t.Errorf("GET /api/tags = %q", tags)
	}

	// The administrator's changes.
	got := decode[bookJSON](t, do(t, srv, "PUT", path+"/published-on", admin, map[string]any{"publishedOn": "2027-01-04"}), http.StatusOK)
	if got.PublishedOn != "2027-01-04" {
		t.Errorf("publishedOn = %q after PUT, want 2027-01-04", got.PublishedOn)
	}
	got = decode[bookJSON](t, do(t, srv, "PUT", path+"/promotion", admin, map[string]any{"actualPrice": 19.99, "promotionalText": "Half price week"}), http.StatusOK)
	if got.ActualPrice != 19.99 || got.Price != 39.9 || got.PromotionalText == nil || *got.PromotionalText != "Half price week" {
		t.Errorf("after PUT promotion: price %v, actual %v, text %v", got.Price, got.ActualPrice, got.PromotionalText)
	}
	page = decode[bookPageJSON](t, do(t, srv, "GET", "/api/books", "", nil), http.StatusOK)
	if len(page.Items) != 1 || page.Items[0].ActualPrice != 19.99 || page.Items[0].PromotionalText == nil {
		t.Errorf("list after the promotion: %+v", page.Items)
	}
	got = decode[bookJSON](t, do(t, srv, "DELETE", path+"/promotion", admin, nil), http.StatusOK)
	if got.ActualPrice != 39.9 || got.PromotionalText != nil {
		t.Errorf("after DELETE promotion: actual %v, text %v", got.ActualPrice, got.PromotionalText)
	}

	// A customer's review, signed with their account name.
	rv := decode[reviewJSON](t, do(t, srv, "POST", path+"/reviews", ann, map[string]any{"numStars": 4, "comment": "Dense, and worth it."}), http.StatusCreated)
	if rv.VoterName != "Ann Reader" || rv.NumStars != 4 || rv.Comment == nil || *rv.Comment != "Dense, and worth it." || !strings.HasSuffix(rv.CreatedAt, "Z") {
		t.Errorf("review = %+v", rv)
	}
	quiet := decode[reviewJSON](t, do(t, srv, "POST", path+"/reviews", admin, map[string]any{"numStars": 1}), http.StatusCreated)
	if quiet.Comment != nil || quiet.VoterName != "Ada Admin" {
		t.Errorf("review without a comment = %+v, want a null comment by Ada Admin", quiet)
	}
	got = decode[bookJSON](t, do(t, srv, "GET", path, "", nil), http.StatusOK)
	if got.ReviewsCount != 2 || got.AverageVotes == nil || *got.AverageVotes != 2.5 || len(got.Reviews) != 2 || got.Reviews[0].ID != quiet.ID || !cmp.Equal(got.Reviews[1], rv) {
		t.Errorf("detail after two reviews: count %d, average %v, reviews %+v", got.ReviewsCount, got.AverageVotes, got.Reviews)
	}

	// Soft delete: gone from every public read, kept for the administrator.
	if r := do(t, srv, "DELETE", path, admin, nil); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE = %d %s, want 204 without a body", r.status, r.body)
	}
	do(t, srv, "GET", path, "", nil).problem(t)
	if r := do(t, srv, "GET", path, ann, nil); r.status != http.StatusNotFound {
		t.Errorf("GET a deleted book = %d, want 404", r.status)
	}
	if r := do(t, srv, "POST", path+"/reviews", ann, map[string]any{"numStars": 5}); r.status != http.StatusNotFound {
		t.Errorf("reviewing a deleted book = %d, want 404", r.status)
	}
	if page := decode[bookPageJSON](t, do(t, srv, "GET", "/api/books", "", nil), http.StatusOK); len(page.Items) != 0 {
		t.Errorf("the list still shows the deleted book: %+v", page.Items)
	}
	deleted := decode[bookPageJSON](t, do(t, srv, "GET", "/api/books/deleted", admin, nil), http.StatusOK)
	if len(deleted.Items) != 1 || deleted.Items[0].ID != created.ID || deleted.Items[0].ReviewsCount != 2 || deleted.NextCursor != nil {
		t.Errorf("GET /api/books/deleted = %+v, want the deleted book", deleted)
	}
	if r := do(t, srv, "DELETE", path, admin, nil); r.status != http.StatusNoContent {
		t.Errorf("DELETE again = %d, want 204 (nothing changes)", r.status)
	}

	if r := do(t, srv, "POST", path+"/restore", admin, nil); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("restore = %d %s, want 204 without a body", r.status, r.body)
	}
	if got := decode[bookJSON](t, do(t, srv, "GET", path, "", nil), http.StatusOK); got.ReviewsCount != 2 || got.PublishedOn != "2027-01-04" {
		t.Errorf("restored book = %+v, want it as it was", got)
	}
	if deleted := decode[bookPageJSON](t, do(t, srv, "GET", "/api/books/deleted", admin, nil), http.StatusOK); len(deleted.Items) != 0 {
		t.Errorf("GET /api/books/deleted after restore = %+v", deleted.Items)
	}
}

// An optional field left out is null in the detail, and a book may be free.
func TestBookWithoutOptionalFields(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	b := adminAddsBook(t, srv, admin, func(b map[string]any) {
		delete(b, "description")
		delete(b, "publisher")
		delete(b, "imageUrl")
		delete(b, "tags")
		b["price"] = 0
	})
	if b.Description != nil || b.Publisher != nil || b.ImageURL != nil || b.Tags == nil || len(b.Tags) != 0 || b.Price != 0 {
		t.Errorf("book = %+v, want null description, publisher and imageUrl, tags [] and price 0", b)
	}
}

func TestBooksErrors(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	register(t, srv, "cy@example.com")
	customer := login(t, srv, "cy@example.com")
	b := adminAddsBook(t, srv, admin, nil)
	gone := adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "Gone" })
	if r := do(t, srv, "DELETE", "/api/books/"+gone.ID, admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE = %d", r.status)
	}
	path, gonePath := "/api/books/"+b.ID, "/api/books/"+gone.ID
	const unknown = "/api/books/01890a5d-ac96-774b-bcce-b302099a8057"
	book := func(field string, value any) map[string]any {
		return newBookBody(func(b map[string]any) {
			if value == "<absent>" {
				delete(b, field)
			} else {
				b[field] = value
			}
		})
	}
	authors := func(n int) []string {
		a := make([]string, n)
		for i := range a {
			a[i] = fmt.Sprint("Author ", i)
		}
		return a
	}
	promo := map[string]any{"actualPrice": 9.99, "promotionalText": "Sale"}
	published := map[string]any{"publishedOn": "2030-01-01"}
	stars := map[string]any{"numStars": 3}

	tests := []struct {
		name        string
		method      string
		path        string
		token       string
		body        any
		status      int
		errorFields []string
	}{
		// Reads, by anyone.
		{"list bad sort", "GET", "/api/books?sort=cheapest", "", nil, 400, []string{"sort"}},
		{"list bad pageSize", "GET", "/api/books?pageSize=0", "", nil, 400, []string{"pageSize"}},
		{"list bad cursor", "GET", "/api/books?cursor=garbage", "", nil, 400, []string{"cursor"}},
		{"detail malformed id", "GET", "/api/books/not-a-uuid", "", nil, 400, []string{"id"}},
		{"detail id without dashes", "GET", "/api/books/01890a5dac96774bbcceb302099a8057", "", nil, 400, []string{"id"}},
		{"detail unknown", "GET", unknown, "", nil, 404, nil},
		{"detail soft-deleted", "GET", gonePath, "", nil, 404, nil},
		{"detail garbage token", "GET", path, "garbage", nil, 401, nil},

		// POST /api/books.
		{"add anonymous", "POST", "/api/books", "", newBookBody(nil), 401, nil},
		{"add as customer", "POST", "/api/books", customer, newBookBody(nil), 403, nil},
		{"add title empty", "POST", "/api/books", admin, book("title", ""), 400, []string{"title"}},
		{"add title too long", "POST", "/api/books", admin, book("title", strings.Repeat("t", 257)), 400, []string{"title"}},
		{"add no authors", "POST", "/api/books", admin, book("authors", []string{}), 400, []string{"authors"}},
		{"add authors absent", "POST", "/api/books", admin, book("authors", "<absent>"), 400, []string{"authors"}},
		{"add 21 authors", "POST", "/api/books", admin, book("authors", authors(21)), 400, []string{"authors"}},
		{"add third author empty", "POST", "/api/books", admin, book("authors", []string{"A", "B", " "}), 400, []string{"authors[2]"}},
		{"add author twice", "POST", "/api/books", admin, book("authors", []string{"A", "A"}), 400, []string{"authors[1]"}},
		{"add price negative", "POST", "/api/books", admin, book("price", -1), 400, []string{"price"}},
		{"add price above 10000", "POST", "/api/books", admin, book("price", 10000.01), 400, []string{"price"}},
		{"add price three decimals", "POST", "/api/books", admin, book("price", 1.234), 400, []string{"price"}},
		{"add price huge", "POST", "/api/books", admin, `{"title":"T","publishedOn":"2020-01-01","authors":["A"],"price":1e400}`, 400, []string{"price"}},
		{"add price a string", "POST", "/api/books", admin, book("price", "12.50"), 400, []string{"price"}},
		{"add price absent", "POST", "/api/books", admin, book("price", "<absent>"), 400, []string{"price"}},
		{"add price null", "POST", "/api/books", admin, book("price", nil), 400, []string{"price"}},
		{"add price 10000", "POST", "/api/books", admin, book("price", 10000), 201, nil},
		{"add image ftp", "POST", "/api/books", admin, book("imageUrl", "ftp://example.com/a.jpg"), 400, []string{"imageUrl"}},
		{"add image relative", "POST", "/api/books", admin, book("imageUrl", "cover.jpg"), 400, []string{"imageUrl"}},
		{"add date malformed", "POST", "/api/books", admin, book("publishedOn", "16/03/2017"), 400, []string{"publishedOn"}},
		{"add date absent", "POST", "/api/books", admin, book("publishedOn", "<absent>"), 400, []string{"publishedOn"}},
		{"add tag too long", "POST", "/api/books", admin, book("tags", []string{strings.Repeat("t", 101)}), 400, []string{"tags[0]"}},
		{"add unknown field", "POST", "/api/books", admin, book("isbn", "978-1449373320"), 400, []string{"isbn"}},
		{"add several", "POST", "/api/books", admin, map[string]any{"title": "", "publishedOn": "2020-01-01", "price": 1, "authors": []string{}}, 400, []string{"authors", "title"}},
		{"add NUL in title", "POST", "/api/books", admin, book("title", "A\x00B"), 400, []string{"title"}},

		// PUT published-on.
		{"published-on anonymous", "PUT", path + "/published-on", "", published, 401, nil},
		{"published-on as customer", "PUT", path + "/published-on", customer, published, 403, nil},
		{"published-on malformed id", "PUT", "/api/books/42/published-on", admin, published, 400, []string{"id"}},
		{"published-on unknown", "PUT", unknown + "/published-on", admin, published, 404, nil},
		{"published-on soft-deleted", "PUT", gonePath + "/published-on", admin, published, 404, nil},
		{"published-on bad date", "PUT", path + "/published-on", admin, map[string]any{"publishedOn": "2030-02-30"}, 400, []string{"publishedOn"}},
		{"published-on absent", "PUT", path + "/published-on", admin, map[string]any{}, 400, []string{"publishedOn"}},

		// PUT promotion.
		{"promotion anonymous", "PUT", path + "/promotion", "", promo, 401, nil},
		{"promotion as customer", "PUT", path + "/promotion", customer, promo, 403, nil},
		{"promotion at the price", "PUT", path + "/promotion", admin, map[string]any{"actualPrice": 39.9, "promotionalText": "Sale"}, 422, []string{"actualPrice"}},
		{"promotion above the price", "PUT", path + "/promotion", admin, map[string]any{"actualPrice": 50, "promotionalText": "Sale"}, 422, []string{"actualPrice"}},
		{"promotion text empty", "PUT", path + "/promotion", admin, map[string]any{"actualPrice": 9.99, "promotionalText": ""}, 400, []string{"promotionalText"}},
		{"promotion text too long", "PUT", path + "/promotion", admin, map[string]any{"actualPrice": 9.99, "promotionalText": strings.Repeat("p", 201)}, 400, []string{"promotionalText"}},
		{"promotion price negative", "PUT", path + "/promotion", admin, map[string]any{"actualPrice": -1, "promotionalText": "Sale"}, 400, []string{"actualPrice"}},
		{"promotion price absent", "PUT", path + "/promotion", admin, map[string]any{"promotionalText": "Sale"}, 400, []string{"actualPrice"}},
		{"promotion unknown", "PUT", unknown + "/promotion", admin, promo, 404, nil},
		{"promotion soft-deleted", "PUT", gonePath + "/promotion", admin, promo, 404, nil},

		// DELETE promotion.
		{"remove promotion anonymous", "DELETE", path + "/promotion", "", nil, 401, nil},
		{"remove promotion as customer", "DELETE", path + "/promotion", customer, nil, 403, nil},
		{"remove promotion unknown", "DELETE", unknown + "/promotion", admin, nil, 404, nil},
		{"remove promotion malformed id", "DELETE", "/api/books/x/promotion", admin, nil, 400, []string{"id"}},

		// POST reviews.
		{"review anonymous", "POST", path + "/reviews", "", stars, 401, nil},
		{"review six stars", "POST", path + "/reviews", customer, map[string]any{"numStars": 6}, 400, []string{"numStars"}},
		{"review negative stars", "POST", path + "/reviews", customer, map[string]any{"numStars": -1}, 400, []string{"numStars"}},
		{"review half a star", "POST", path + "/reviews", customer, map[string]any{"numStars": 4.5}, 400, []string{"numStars"}},
		{"review stars a string", "POST", path + "/reviews", customer, map[string]any{"numStars": "five"}, 400, []string{"numStars"}},
		{"review stars absent", "POST", path + "/reviews", customer, map[string]any{"comment": "No stars"}, 400, []string{"numStars"}},
		{"review comment too long", "POST", path + "/reviews", customer, map[string]any{"numStars": 3, "comment": strings.Repeat("c", 2001)}, 400, []string{"comment"}},
		{"review unknown book", "POST", unknown + "/reviews", customer, stars, 404, nil},
		{"review soft-deleted book", "POST", gonePath + "/reviews", customer, stars, 404, nil},
		{"review malformed id", "POST", "/api/books/abc/reviews", customer, stars, 400, []string{"id"}},
		{"review text/plain", "POST", path + "/reviews", customer, nil, 415, nil},

		// DELETE and restore.
		{"delete anonymous", "DELETE", path, "", nil, 401, nil},
		{"delete as customer", "DELETE", path, customer, nil, 403, nil},
		{"delete unknown", "DELETE", unknown, admin, nil, 404, nil},
		{"delete malformed id", "DELETE", "/api/books/1", admin, nil, 400, []string{"id"}},
		{"restore anonymous", "POST", gonePath + "/restore", "", nil, 401, nil},
		{"restore as customer", "POST", gonePath + "/restore", customer, nil, 403, nil},
		{"restore unknown", "POST", unknown + "/restore", admin, nil, 404, nil},
		{"restore malformed id", "POST", "/api/books/zzz/restore", admin, nil, 400, []string{"id"}},

		// The administrators' list.
		{"deleted list anonymous", "GET", "/api/books/deleted", "", nil, 401, nil},
		{"deleted list as customer", "GET", "/api/books/deleted", customer, nil, 403, nil},
		{"deleted list bad pageSize", "GET", "/api/books/deleted?pageSize=abc", admin, nil, 400, []string{"pageSize"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, srv, tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", r.status, tt.status, r.body)
			}
			if tt.status < 400 {
				return
			}
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer: %v", r.header)
			}
			p := r.problem(t)
			var fields []string
			for f := range p.Errors {
				fields = append(fields, f)
			}
			if diff := cmp.Diff(tt.errorFields, fields, cmpSorted); diff != "" {
				t.Errorf("errors fields (-want +got):\n%s\n%s", diff, r.body)
			}
		})
	}

	// Nothing above changed the books.
	if got := decode[bookJSON](t, do(t, srv, "GET", path, "", nil), http.StatusOK); !cmp.Equal(got, b) {
		t.Errorf("the book changed (-before +after):\n%s", cmp.Diff(b, got))
	}
	if r := do(t, srv, "GET", gonePath, "", nil); r.status != http.StatusNotFound {
		t.Errorf("the deleted book came back: %d", r.status)
	}
}

// Reviews posted at once over HTTP are all counted.
func TestConcurrentReviewsOverHTTP(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	b := adminAddsBook(t, srv, admin, nil)
	register(t, srv, "ann@example.com")
	ann := login(t, srv, "ann@example.com")
	const n = 40
	var wg sync.WaitGroup
	sum := 0
	for i := range n {
		sum += i % 6
		wg.Go(func() {
			if r := do(t, srv, "POST", "/api/books/"+b.ID+"/reviews", ann, map[string]any{"numStars": i % 6}); r.status != http.StatusCreated {
				t.Errorf("review %d: %d %s", i, r.status, r.body)
			}
		})
	}
	wg.Wait()
	got := decode[bookJSON](t, do(t, srv, "GET", "/api/books/"+b.ID, "", nil), http.StatusOK)
	if want := float64(sum) / n; got.ReviewsCount != n || got.AverageVotes == nil || *got.AverageVotes != want {
		t.Errorf("after %d reviews: count %d, average %v; want %d, %v", n, got.ReviewsCount, got.AverageVotes, n, want)
	}
}
