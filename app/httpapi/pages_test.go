package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"example.com/bookapp/books"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/orders"
	"example.com/bookapp/users"
)

// A browser is a cookie-keeping client of the pages that does not follow
// redirects, so that a test sees each 303 and where it leads. Its POSTs
// carry an Origin header naming the server, as a browser's do.
type browser struct {
	t    *testing.T
	srv  *httptest.Server
	c    *http.Client
	html *htmlLog // every HTML page it got, validated when the test ends
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, srv: srv, html: &htmlLog{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(func() { b.html.validate(t) })
	return b
}

// htmlPage is an answer of the pages: status, headers and the HTML.
type htmlPage struct {
	status int
	header http.Header
	html   string
}

func (b *browser) do(req *http.Request) htmlPage {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.html.add(fmt.Sprintf("%s %s %d", req.Method, req.URL.Path, resp.StatusCode), string(body))
	}
	return htmlPage{status: resp.StatusCode, header: resp.Header, html: string(body)}
}

func (b *browser) get(path string) htmlPage {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends form to path as a browser's form submission from this site.
func (b *browser) post(path string, form url.Values) htmlPage {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	return b.do(req)
}

// follow asserts p is a 303 and gets where it leads.
func (b *browser) follow(p htmlPage) htmlPage {
	b.t.Helper()
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("status %d, want 303 (page %s)", p.status, p.html)
	}
	return b.get(p.header.Get("Location"))
}

// must asserts p has status want and is HTML containing every one of texts.
func (p htmlPage) must(t *testing.T, want int, texts ...string) htmlPage {
	t.Helper()
	if p.status != want {
		t.Fatalf("status %d, want %d; page:\n%s", p.status, want, p.html)
	}
	if want != http.StatusSeeOther && !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %q, want text/html", p.header.Get("Content-Type"))
	}
	for _, text := range texts {
		if !strings.Contains(p.html, text) {
			t.Errorf("the page lacks %q:\n%s", text, p.html)
		}
	}
	return p
}

func (p htmlPage) lacks(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if strings.Contains(p.html, text) {
			t.Errorf("the page has %q, and should not", text)
		}
	}
}

// signUp makes an account through the pages and leaves b signed in.
func (b *browser) signUp(email, name string) {
	b.t.Helper()
	p := b.post("/signup", url.Values{"email": {email}, "name": {name}, "password": {password}, "next": {"/"}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-up: %d %s", p.status, p.html)
	}
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	p := b.post("/signin", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-in: %d %s", p.status, p.html)
	}
}

var bookLink = regexp.MustCompile(`href="/books/([0-9a-f-]{36})">([^<]*)</a>`)

// titles lists the books a catalogue page shows, in order.
func titles(html string) []string {
	var out []string
	for _, m := range bookLink.FindAllStringSubmatch(html, -1) {
		out = append(out, m[2])
	}
	return out
}

func TestPagesCatalogue(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	for i := range 25 {
		adminAddsBook(t, srv, admin, func(b map[string]any) {
			b["title"] = fmt.Sprintf("Book %02d", i)
			b["price"] = 10 + float64(i)
			b["tags"] = []string{[]string{"Databases", "Poetry"}[i%2]}
		})
	}
	promo := adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "On Promotion"; b["price"] = 50; b["tags"] = []string{"Offers"} })
	if r := do(t, srv, "PUT", "/api/books/"+promo.ID+"/promotion", admin, map[string]any{"actualPrice": 19.99, "promotionalText": "Half price week"}); r.status != 200 {
		t.Fatalf("promotion: %d %s", r.status, r.body)
	}
	adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "Free Sample"; b["price"] = 0; b["tags"] = []string{"Offers"} })
	adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "<script>alert(1)</script>"; b["tags"] = []string{"Offers"} })
	b := newBrowser(t, srv)

	home := b.get("/").must(t, 200, `<option value="Databases">`, `<option value="Poetry">`, `<option value="2017">`,
		`<option value="upcoming">`, "Be the first to review", "Add to basket",
		"<del>$50.00</del>", "$19.99", "Half price week", "not for sale",
		"&lt;script&gt;alert(1)&lt;/script&gt;")
	home.lacks(t, "<script>alert(1)</script>")
	if got := titles(home.html); len(got) != 20 {
		t.Errorf("the first page shows %d books, want 20: %v", len(got), got)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin",
	} {
		if !strings.Contains(home.header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, home.header.Get(h), want)
		}
	}
	if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}

	// Sorted by price, filtered by a tag, ten a page: Next and Previous walk
	// the keyset pages and come back to the same books.
	first := b.get("/?sort=price&tag=Databases&pageSize=10").must(t, 200, `rel="next"`)
	want := []string{"Book 00", "Book 02", "Book 04", "Book 06", "Book 08", "Book 10", "Book 12", "Book 14", "Book 16", "Book 18"}
	if got := titles(first.html); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("first page %v, want %v", got, want)
	}
	first.lacks(t, `rel="prev"`)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.html)
	second := b.get(strings.ReplaceAll(next[1], "&amp;", "&")).must(t, 200, `rel="prev"`)
	if got := titles(second.html); fmt.Sprint(got) != "[Book 20 Book 22 Book 24]" {
		t.Errorf("second page %v", got)
	}
	second.lacks(t, `rel="next"`)
	prev := regexp.MustCompile(`href="([^"]+)" rel="prev"`).FindStringSubmatch(second.html)
	back := b.get(strings.ReplaceAll(prev[1], "&amp;", "&")).must(t, 200)
	if got := titles(back.html); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("previous page %v, want %v", got, want)
	}

	// A book's page; a bad filter is a 400 page, an unknown book a 404 page.
	b.get("/books/"+promo.ID).must(t, 200, "On Promotion", "Martin Kleppmann", "Half price week", "Sign in</a> to review",
		"O&#39;Reilly", "The big ideas behind reliable", `href="https://example.com/ddia.jpg"`)
	b.get("/?votes=9").must(t, 400, "votes")
	b.get("/?cursor=forged").must(t, 400, "cursor")
	b.get("/books/01890a5d-ac96-774b-bcce-b302099a8057").must(t, 404, "404 Not Found")
	b.get("/books/nope").must(t, 404)
	b.get("/no/such/page").must(t, 404, "There is no such page.")
	if p := b.get("/api/no/such/thing"); p.status != 404 || p.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("an API path without a route: %d %q, want a 404 problem", p.status, p.header.Get("Content-Type"))
	}
	if p := b.get("/static/app.css"); p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") {
		t.Errorf("GET /static/app.css: %d %q", p.status, p.header.Get("Content-Type"))
	}
}

func TestPagesAccount(t *testing.T) {
	srv := newServer(t)
	b := newBrowser(t, srv)
	b.get("/signup").must(t, 200, `action="/signup"`)

	// Errors beside their fields, the values kept (never the password).
	bad := b.post("/signup", url.Values{"email": {"not-an-email"}, "name": {"Nia"}, "password": {"short"}})
	bad.must(t, 400, `value="not-an-email"`, `value="Nia"`, `class="field-error"`)
	bad.lacks(t, `value="short"`)

	signedUp := b.post("/signup", url.Values{"email": {"nia@example.com"}, "name": {"Nia Reader"}, "password": {password}, "next": {"/account"}})
	cookie := signedUp.header.Get("Set-Cookie")
	for _, part := range []string{"session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="} {
		if !strings.Contains(cookie, part) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, part)
		}
	}
	b.follow(signedUp).must(t, 200, "Nia Reader", "nia@example.com", "You have no delivery address yet", "Welcome")
	b.get("/").must(t, 200, `action="/signout"`, "My orders")

	// The address form: an error beside the field, the values kept; then saved.
	b.post("/account/address", url.Values{"line1": {"1 High Street"}, "city": {"Leeds"}, "postcode": {"LS1 1AA"}, "country": {"Britain"}}).
		must(t, 400, `value="1 High Street"`, `value="Britain"`, `class="field-error"`)
	saved := b.post("/account/address", url.Values{"line1": {"1 High Street"}, "city": {"Leeds"}, "postcode": {"LS1 1AA"}, "country": {"gb"}})
	b.follow(saved).must(t, 200, `value="GB"`, "Saved.")

	// Sign out revokes the token: the old cookie, sent again, is a signed-out visitor.
	old := b.c.Jar.Cookies(mustURL(t, srv.URL))
	b.follow(b.post("/signout", nil)).must(t, 200, `href="/signin"`)
	other := newBrowser(t, srv)
	other.c.Jar.SetCookies(mustURL(t, srv.URL), old)
	other.get("/").must(t, 200, `href="/signin"`).lacks(t, "Nia Reader")
	other.get("/account").must(t, http.StatusSeeOther)

	// Sign-in: a wrong password is the form again; a right one, a new token.
	b.post("/signin", url.Values{"email": {"nia@example.com"}, "password": {"wrong password!"}}).must(t, 401, `value="nia@example.com"`)
	in := b.post("/signin", url.Values{"email": {"nia@example.com"}, "password": {password}, "next": {"/orders"}})
	if in.status != http.StatusSeeOther || in.header.Get("Location") != "/orders" {
		t.Errorf("sign-in: %d to %q, want 303 to /orders", in.status, in.header.Get("Location"))
	}
	if in.header.Get("Set-Cookie") == cookie {
		t.Error("sign-in reused the token of the earlier session")
	}
	// next never leads to another site.
	away := b.post("/signin", url.Values{"email": {"nia@example.com"}, "password": {password}, "next": {"//evil.example/"}})
	if loc := away.header.Get("Location"); loc != "/" {
		t.Errorf("sign-in with next=//evil.example/ leads to %q, want /", loc)
	}

	// A forged cookie is a signed-out visitor, not an error.
	forged := newBrowser(t, srv)
	forged.c.Jar.SetCookies(mustURL(t, srv.URL), []*http.Cookie{{Name: "session", Value: "forged-token"}})
	forged.get("/").must(t, 200, `href="/signin"`)
	if loc := forged.get("/orders").header.Get("Location"); loc != "/signin?next=%2Forders" {
		t.Errorf("a signed-out visitor at /orders is sent to %q", loc)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPagesCrossOriginRefused(t *testing.T) {
	srv := newServer(t)
	b := newBrowser(t, srv)
	b.signUp("cy@example.com", "Cy")
	for name, set := range map[string]func(*http.Request){
		"Origin of another site":    func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") },
		"Sec-Fetch-Site cross-site": func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/account/address",
				strings.NewReader(url.Values{"line1": {"x"}, "city": {"y"}, "postcode": {"z"}, "country": {"GB"}}.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			set(req)
			b.do(req).must(t, http.StatusForbidden, "another site")
		})
	}
	b.get("/account").must(t, 200, "You have no delivery address yet")
}

var orderLink = regexp.MustCompile(`/orders/([0-9a-f-]{36})`)

func TestPagesBasketCheckoutAndOrders(t *testing.T) {
	srv, pool := newServerAt(t, nil)
	admin := login(t, srv, adminEmail)
	dune := adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "Dune"; b["price"] = 12.5 })
	emma := adminAddsBook(t, srv, admin, func(b map[string]any) { b["title"] = "Emma"; b["price"] = 8 })
	b := newBrowser(t, srv)

	// The basket is there before signing in, and survives in its cookie.
	b.get("/basket").must(t, 200, "Your basket is empty")
	b.follow(b.post("/basket/add", url.Values{"bookId": {dune.ID}})).must(t, 200, "Dune", "$12.50", "Added to your basket")
	b.post("/basket/add", url.Values{"bookId": {emma.ID}})
	b.post("/basket/add", url.Values{"bookId": {emma.ID}})
	b.get("/basket").must(t, 200, `value="2"`, "$16.00", "$28.50")
	b.post("/basket/update", url.Values{"bookId": {emma.ID}, "quantity": {"3"}})
	b.get("/basket").must(t, 200, `value="3"`, "$24.00", "$36.50")
	b.post("/basket/add", url.Values{"bookId": {"nope"}}).must(t, 400)
	b.post("/basket/update", url.Values{"bookId": {emma.ID}, "quantity": {"-1"}}).must(t, 400)

	// Checkout needs a signed-in customer with an address.
	if loc := b.get("/checkout").header.Get("Location"); loc != "/signin?next=%2Fcheckout" {
		t.Errorf("checkout, signed out, leads to %q", loc)
	}
	b.signUp("ola@example.com", "Ola")
	b.get("/checkout").must(t, 200, "An order needs a delivery address", "/account?next=/checkout")
	b.follow(b.post("/account/address", url.Values{"line1": {"2 Low Road"}, "city": {"York"}, "postcode": {"YO1 1AA"},
		"country": {"GB"}, "next": {"/checkout"}})).must(t, 200, "Checkout", "2 Low Road", "Expected delivery", "$36.50")

	checkout := b.get("/checkout")
	form := formValues(t, checkout.html, `action="/checkout"`)
	if form.Get("idempotencyKey") == "" || form.Get("lines[1].bookId") != emma.ID || form.Get("lines[1].quantity") != "3" {
		t.Fatalf("the checkout form carries %v", form)
	}
	// Without the terms: the form again, with the error beside the box.
	b.post("/checkout", form).must(t, 422, "accept the terms")
	form.Set("acceptTerms", "true")
	placed := b.post("/checkout", form)
	orderPage := b.follow(placed).must(t, 200, "Thank you: your order is placed.", "Dune", "Emma", "$36.50", "placed", "2 Low Road")
	id := orderLink.FindStringSubmatch(placed.header.Get("Location"))[1]
	b.get("/basket").must(t, 200, "Your basket is empty")

	// The same page sent again (a double click, a reload) finds the same order.
	again := b.post("/checkout", form)
	if again.header.Get("Location") != placed.header.Get("Location") {
		t.Errorf("a second submit led to %q, want %q", again.header.Get("Location"), placed.header.Get("Location"))
	}
	var orders int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM orders.orders`).Scan(&orders); err != nil || orders != 1 {
		t.Errorf("%d orders in the database (%v), want 1", orders, err)
	}

	b.get("/orders").must(t, 200, "My orders", "/orders/"+id, "3 × Emma", "$36.50")
	// A delivery date in the past is the form again with its error.
	b.post("/orders/"+id+"/delivery-date", url.Values{"date": {"2001-01-01"}}).must(t, 422, `value="2001-01-01"`)
	b.post("/orders/"+id+"/delivery-date", url.Values{"date": {"someday"}}).must(t, 400, "YYYY-MM-DD")
	b.follow(b.post("/orders/"+id+"/cancel", nil)).must(t, 200, "The order is cancelled.", "cancelled")
	b.post("/orders/"+id+"/cancel", nil).must(t, 422)
	_ = orderPage

	// Another customer sees no such order.
	other := newBrowser(t, srv)
	other.signUp("pat@example.com", "Pat")
	other.get("/orders/"+id).must(t, 404)
	other.get("/orders").must(t, 200, "No orders yet")
}

// formValues returns the fields of the form on html whose opening tag
// contains marker, as the browser would send them (checkboxes left out).
func formValues(t *testing.T, html, marker string) url.Values {
	t.Helper()
	start := strings.Index(html, marker)
	if start < 0 {
		t.Fatalf("no form %s on the page:\n%s", marker, html)
	}
	end := strings.Index(html[start:], "</form>")
	v := url.Values{}
	input := regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	for _, m := range input.FindAllStringSubmatch(html[start:start+end], -1) {
		v.Add(m[1], m[2])
	}
	return v
}

func TestPagesAdministration(t *testing.T) {
	srv := newServer(t)
	customer := newBrowser(t, srv)
	customer.signUp("cat@example.com", "Cat")
	customer.get("/admin").must(t, 403, "Only an administrator may do this.")
	customer.post("/admin/books", url.Values{"title": {"x"}}).must(t, 403)
	if loc := newBrowser(t, srv).get("/admin/books/new").header.Get("Location"); loc != "/signin?next=%2Fadmin%2Fbooks%2Fnew" {
		t.Errorf("an anonymous visitor is sent to %q", loc)
	}

	a := newBrowser(t, srv)
	a.signIn(adminEmail)
	a.get("/admin").must(t, 200, "Add a book", "Deleted books", "Check the cached values")
	book := url.Values{"title": {"The Left Hand of Darkness"}, "authors": {"Ursula K. Le Guin\n"}, "publishedOn": {"1969-03-01"},
		"price": {"9.99x"}, "tags": {"Science fiction, Classics"}}
	a.post("/admin/books", book).must(t, 400, `value="The Left Hand of Darkness"`, "must be an amount such as 12.99")
	book.Set("price", "9.99")
	added := a.post("/admin/books", book)
	bookPage := a.follow(added).must(t, 200, "The Left Hand of Darkness", "Ursula K. Le Guin", "$9.99", "Manage this book")
	id := regexp.MustCompile(`/books/([0-9a-f-]{36})`).FindStringSubmatch(added.header.Get("Location"))[1]
	_ = bookPage

	// A promotion: the struck price in the catalogue; a bad one, the form again.
	a.post("/admin/books/"+id+"/promotion", url.Values{"actualPrice": {"12.00"}, "promotionalText": {"Sale"}}).must(t, 422, "actualPrice", `value="12.00"`)
	a.follow(a.post("/admin/books/"+id+"/promotion", url.Values{"actualPrice": {"4.99"}, "promotionalText": {"Winter sale"}})).
		must(t, 200, "<del>$9.99</del>", "$4.99", "Winter sale")
	customer.get("/").must(t, 200, "<del>$9.99</del>", "Winter sale")
	a.follow(a.post("/admin/books/"+id+"/promotion/remove", nil)).must(t, 200, "$9.99").lacks(t, "<del>")
	a.follow(a.post("/admin/books/"+id+"/published-on", url.Values{"publishedOn": {"1970-01-02"}})).must(t, 200, "2 January 1970")

	// Soft delete: gone from the catalogue, listed with a restore button.
	a.follow(a.post("/admin/books/"+id+"/delete", nil)).must(t, 200, "Deleted books", "The Left Hand of Darkness", "/admin/books/"+id+"/restore")
	customer.get("/").lacks(t, "The Left Hand of Darkness")
	customer.get("/books/"+id).must(t, 404)
	a.follow(a.post("/admin/books/"+id+"/restore", nil)).must(t, 200, "The book is restored.")
	customer.get("/").must(t, 200, "The Left Hand of Darkness")

	// The cache check, and an order's status set by an administrator.
	a.get("/admin/cache").must(t, 200, `value="true"`)
	a.post("/admin/cache", url.Values{"fix": {"false"}}).must(t, 200, "1 books checked: every cached value is right.")

	customer.post("/account/address", url.Values{"line1": {"3 Mill Lane"}, "city": {"Bath"}, "postcode": {"BA1 1AA"}, "country": {"GB"}})
	customer.post("/basket/add", url.Values{"bookId": {id}})
	form := formValues(t, customer.get("/checkout").html, `action="/checkout"`)
	form.Set("acceptTerms", "true")
	orderID := orderLink.FindStringSubmatch(customer.post("/checkout", form).header.Get("Location"))[1]
	a.get("/admin/orders").must(t, 200, "/orders/"+orderID)
	a.follow(a.post("/admin/orders/"+orderID+"/status", url.Values{"status": {"dispatched"}})).must(t, 200, "<strong>dispatched</strong>")
	a.post("/admin/orders/"+orderID+"/status", url.Values{"status": {"lost"}}).must(t, 400, "status")
	customer.get("/orders/"+orderID).must(t, 200, "dispatched").lacks(t, "Cancel the order")
	customer.post("/admin/orders/"+orderID+"/status", url.Values{"status": {"delivered"}}).must(t, 403)
}

// TestPagesBadInput sends every page route what a careless or hostile
// browser might — malformed and unknown ids, a body that is not a form, a
// form of 2 MiB, NUL bytes, over-long values, empty forms, a JSON body —
// as a visitor, a customer and an administrator. No answer may be a 5xx:
// each is a page (the form again with its error, a 4xx page) or a redirect.
func TestPagesBadInput(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	book := adminAddsBook(t, srv, admin, nil)
	visitor := newBrowser(t, srv)
	customer := newBrowser(t, srv)
	customer.signUp("bad@example.com", "Bad Input")
	administrator := newBrowser(t, srv)
	administrator.signIn(adminEmail)

	long := strings.Repeat("x", 100_000)
	bodies := map[string]string{
		"empty":        "",
		"not a form":   "%zz=%%%",
		"2 MiB":        "title=" + strings.Repeat("a", 2<<20),
		"NUL bytes":    "title=a%00b&email=a%00@example.com&name=%00&password=%00&line1=%00&city=%00&postcode=%00&country=G%00&comment=%00&numStars=%00&bookId=%00&quantity=%00&date=%00&status=%00&actualPrice=%00&publishedOn=%00",
		"over-long":    "title=" + long + "&email=" + long + "&name=" + long + "&password=" + long + "&line1=" + long + "&comment=" + long + "&promotionalText=" + long + "&authors=" + long + "&tags=" + long + "&bookId=" + long + "&quantity=" + long + "&lines%5B0%5D.bookId=" + long,
		"wrong values": "numStars=99&quantity=1e9&date=2026-02-30&publishedOn=tomorrow&actualPrice=-1&price=1.234&status=lost&acceptTerms=yes&lines%5B0%5D.bookId=" + book.ID + "&lines%5B0%5D.quantity=0&idempotencyKey=" + long,
	}
	ids := []string{book.ID, "nope", "01890a5d-ac96-774b-bcce-b302099a8057", "%00"}
	routes := slices.DeleteFunc(chiRoutes(t, srv), func(r string) bool { return !isPageRoute(r) })
	if len(routes) < 30 {
		t.Fatalf("only %d page routes: %v", len(routes), routes)
	}
	n := 0
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		paths := []string{pattern}
		if strings.Contains(pattern, "{id}") {
			paths = nil
			for _, id := range ids {
				paths = append(paths, strings.ReplaceAll(pattern, "{id}", id))
			}
		}
		for _, path := range paths {
			path = strings.ReplaceAll(path, "*", "app.css")
			for who, b := range map[string]*browser{"visitor": visitor, "customer": customer, "administrator": administrator} {
				var answers []htmlPage
				if method == http.MethodGet {
					answers = append(answers, b.get(path+"?cursor=%00&pageSize=-1&sort=x&votes=x&year=x&next=//evil.example"))
				} else {
					for _, body := range bodies {
						req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
						if err != nil {
							t.Fatal(err)
						}
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.Header.Set("Origin", srv.URL)
						answers = append(answers, b.do(req))
					}
					req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{"title": "json"}`))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Origin", srv.URL)
					answers = append(answers, b.do(req))
				}
				for _, a := range answers {
					n++
					if a.status >= 500 {
						t.Errorf("%s %s as %s: %d\n%.2000s", method, path, who, a.status, a.html)
					}
					if loc := a.header.Get("Location"); loc != "" && !strings.HasPrefix(loc, "/") {
						t.Errorf("%s %s as %s redirects to %q, off the site", method, path, who, loc)
					}
				}
			}
		}
		if strings.HasPrefix(route, "POST /signout") {
			customer.signIn("bad@example.com") // the bodies above signed it out
			administrator.signIn(adminEmail)
		}
	}
	t.Logf("%d requests to %d page routes, none answered 5xx", n, len(routes))
}

// While the database is away, a page is the 503 page (with Retry-After),
// not a 500 and not a signed-out page: the session cookie's lookup failing
// is an outage, not a forged cookie.
func TestPagesWhileTheDatabaseIsAway(t *testing.T) {
	pool := testdb.New(t, users.Migrations(), books.Migrations(), orders.Migrations())
	proxy, url := testdb.NewFaultProxy(t, pool.Config().ConnString())
	srv := newServerOn(t, testdb.Open(t, url), nil)
	admin := login(t, srv, adminEmail)
	book := adminAddsBook(t, srv, admin, nil)
	visitor := newBrowser(t, srv)
	customer := newBrowser(t, srv)
	customer.signUp("away@example.com", "Away")
	for _, c := range []struct {
		who  *browser
		name string
		path string
	}{
		{visitor, "the catalogue", "/"},
		{visitor, "a book", "/books/" + book.ID},
		{customer, "the catalogue, signed in", "/"},
		{customer, "my orders", "/orders"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fired := proxy.Disarm()
			proxy.Arm(testdb.QueryCanceled, 1) // not retried: the statement may have run
			p := c.who.get(c.path).must(t, http.StatusServiceUnavailable, "cannot reach its database")
			if proxy.Disarm() != fired+1 {
				t.Error("the fault did not fire")
			}
			if p.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			c.who.get(c.path).must(t, http.StatusOK)
		})
	}
}
