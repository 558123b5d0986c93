package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromePath finds Chromium: BOOKAPP_CHROME, or chromium, chromium-browser
// or google-chrome on the PATH.
func chromePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BOOKAPP_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "Chromium not found for the browser test: install it (Debian: apt-get install chromium) or set BOOKAPP_CHROME to its path")
	return ""
}

// A tab is one headless Chromium tab on the test server. A failed step
// saves a screenshot and the page's HTML where the log says.
type tab struct {
	t         *testing.T
	ctx       context.Context
	base      string
	axeSource string
	shots     string // BOOKAPP_SCREENSHOTS: where the README's screenshots go; "" for none
}

func newTab(t *testing.T, base string) *tab {
	t.Helper()
	chrome := chromePath(t)
	axe, err := os.ReadFile(filepath.Join(webcheckDir(t), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1100, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	return &tab{t: t, ctx: ctx, base: base, axeSource: string(axe), shots: os.Getenv("BOOKAPP_SCREENSHOTS")}
}

// step runs actions as one step of a journey, named for the log.
func (tb *tab) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fail(name, err)
	}
}

// value runs one action that returns a value, as one step.
func value[T any](tb *tab, name string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.fail(name, err)
	}
	return v
}

// fail saves what the tab shows and ends the test.
func (tb *tab) fail(name string, err error) {
	tb.t.Helper()
	dir, derr := os.MkdirTemp("", "bookapp-browser-")
	if derr == nil {
		ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
		defer cancel()
		url, _ := chromedp.Run(ctx, chromedp.Location())
		png, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		_ = os.WriteFile(filepath.Join(dir, "page.png"), png, 0o644)
		_ = os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
		tb.t.Fatalf("browser step %q failed at %s: %v\nscreenshot and HTML saved in %s", name, url, err, dir)
	}
	tb.t.Fatalf("browser step %q failed: %v", name, err)
}

// text returns the visible text of the first element matching sel.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return value(tb, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// sees asserts the page's main text contains every one of texts.
func (tb *tab) sees(texts ...string) {
	tb.t.Helper()
	body := tb.text("main")
	for _, s := range texts {
		if !strings.Contains(body, s) {
			tb.fail("see "+s, fmt.Errorf("the page does not show %q", s))
		}
	}
}

// screenshot saves the page as name.png (quality 100: PNG, not JPEG) in BOOKAPP_SCREENSHOTS, if set.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if tb.shots == "" {
		return
	}
	png := value(tb, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(tb.shots, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// accessible runs axe-core on the page (injected through the DevTools
// protocol, which the page's Content-Security-Policy does not govern) and
// fails on every serious or critical violation.
func (tb *tab) accessible(page string) {
	tb.t.Helper()
	value(tb, "load axe-core on "+page, chromedp.Evaluate[bool](tb.axeSource+";true"))
	found := value(tb, "axe on "+page, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	tb.t.Logf("axe-core on %s: %d rules broken (serious or critical ones fail the test)", page, len(found))
	for _, v := range found {
		if v.Impact == "serious" || v.Impact == "critical" {
			where, _ := json.Marshal(v.Nodes)
			tb.t.Errorf("axe-core on %s: %s (%s): %s at %s", page, v.ID, v.Impact, v.Help, where)
		}
	}
}

// axeCanFail proves the check above can fail: an image without a text
// alternative, added to the page, must be found (image-alt, critical).
func (tb *tab) axeCanFail() {
	tb.t.Helper()
	value(tb, "add an image without alt", chromedp.Evaluate[bool](`document.querySelector("main").append(document.createElement("img")); true`))
	found := value(tb, "axe on the broken page", chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	for _, v := range found {
		if v.ID == "image-alt" && v.Impact == "critical" {
			return
		}
	}
	tb.t.Errorf("axe-core did not find an image without alt: %+v", found)
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.step("open "+path, chromedp.Navigate(tb.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

// click clicks what sel finds (a link, a button) and waits until the page
// it leads to has loaded: the old page is marked, and the step ends when a
// complete page without the mark is there.
func (tb *tab) click(name string, sel chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	mark := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.bookappLeft = true`)(ctx, t)
		return err
	})
	loaded := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			// While the old page goes, an evaluation may fail: ask again.
			done, err := chromedp.Evaluate[bool](`!window.bookappLeft && document.readyState === "complete"`)(ctx, t)
			if err == nil && done {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("the next page did not load: %w (last: %v)", ctx.Err(), err)
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	tb.step(name, mark, sel, loaded)
}

// submit fills the fields (CSS selector → value) and clicks button.
func (tb *tab) submit(name string, fields map[string]string, button string) {
	tb.t.Helper()
	var fill []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		fill = append(fill, chromedp.SetValue(chromedp.CSS(sel), v))
	}
	tb.step("fill in: "+name, fill...)
	tb.click(name, chromedp.Click(chromedp.CSS(button)))
}

// A customer's journey and an administrator's, in a real Chromium: the
// catalogue sorted and filtered, a book, signing up and in, the address, the
// basket, checkout, My orders, cancelling; a promotion, soft delete and
// restore. Each main page is checked with axe-core on the way.
func TestBrowserJourneys(t *testing.T) {
	srv := newServer(t)
	admin := login(t, srv, adminEmail)
	for i, title := range []string{"Anna Karenina", "Beloved", "Carrie", "Dracula", "Emma", "Frankenstein"} {
		adminAddsBook(t, srv, admin, func(b map[string]any) {
			b["title"] = title
			b["price"] = 20 - float64(i)
			b["authors"] = []string{"Author " + title[:1]}
			b["tags"] = []string{[]string{"Classics", "Horror"}[i%2]}
		})
	}
	tb := newTab(t, srv.URL)

	tb.open("/")
	tb.sees("Anna Karenina", "Frankenstein", "Be the first to review")
	tb.accessible("the catalogue")
	tb.axeCanFail()
	tb.submit("sort by price", map[string]string{"#sort": "price"}, ".filters button[type=submit]")
	if first := tb.text(".books li .book-title"); first != "Frankenstein" {
		t.Errorf("sorted by price, the first book is %q, want Frankenstein ($15.00)", first)
	}
	tb.submit("filter by a tag", map[string]string{"#tag": "Horror"}, ".filters button[type=submit]")
	shown := value(tb, "list the books", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".book-title")].map(a => a.textContent)`))
	if strings.Join(shown, ",") != "Frankenstein,Dracula,Beloved" {
		t.Errorf("price order, tag Horror: %v, want Frankenstein, Dracula, Beloved", shown)
	}
	tb.click("open a book", chromedp.Click(chromedp.Search(`//a[text()="Dracula"]`)))
	tb.sees("Dracula", "Author D", "$17.00", "Sign in to review")
	tb.accessible("a book")

	tb.open("/signup")
	tb.accessible("sign-up")
	tb.submit("sign up", map[string]string{"#name": "Rosa Reader", "#email": "rosa@example.com", "#password": password}, "main button[type=submit]")
	tb.sees("Welcome")
	tb.click("sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
	tb.open("/signin")
	tb.submit("sign in", map[string]string{"#email": "rosa@example.com", "#password": password}, "main button[type=submit]")
	if name := tb.text(`a[href="/account"]`); name != "Rosa Reader" {
		t.Errorf("signed in, the header names %q", name)
	}

	tb.open("/account")
	tb.accessible("the account")
	tb.submit("set the address", map[string]string{"#line1": "12 Quay Street", "#city": "Bristol", "#postcode": "BS1 4DJ", "#country": "GB"},
		`form[action="/account/address"] button`)
	tb.sees("Saved.")

	tb.open("/?sort=price")
	tb.click("add the first book", chromedp.Click(chromedp.CSS(`.books li:nth-child(1) form[action="/basket/add"] button`)))
	tb.open("/?sort=price")
	tb.click("add the second book", chromedp.Click(chromedp.CSS(`.books li:nth-child(2) form[action="/basket/add"] button`)))
	tb.sees("Frankenstein", "Emma", "$31.00")
	tb.submit("change a quantity", map[string]string{"#qty-1": "3"}, `#qty-1 ~ button[type=submit]`)
	tb.sees("$48.00", "$63.00")
	tb.accessible("the basket")
	tb.click("check out", chromedp.Click(chromedp.CSS(`a[href="/checkout"]`)))
	tb.sees("12 Quay Street", "Expected delivery", "$48.00", "$63.00")
	tb.accessible("the checkout")
	tb.step("accept the terms", chromedp.Click(chromedp.CSS(`input[name="acceptTerms"]`)))
	tb.click("place the order", chromedp.Click(chromedp.CSS(`form[action="/checkout"] button`)))
	tb.sees("Thank you: your order is placed.", "3", "Emma", "$48.00", "placed")
	tb.accessible("an order")
	tb.screenshot("order")

	tb.open("/orders")
	tb.sees("1 × Frankenstein; 3 × Emma", "$63.00")
	tb.accessible("my orders")
	tb.click("open the order", chromedp.Click(chromedp.CSS(`main table a`)))
	tb.click("cancel it", chromedp.Click(chromedp.CSS(`form[action$="/cancel"] button`)))
	tb.sees("The order is cancelled.", "cancelled")
	tb.click("sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))

	// The administrator's journey.
	tb.open("/signin?next=/admin")
	tb.submit("sign in as the administrator", map[string]string{"#email": adminEmail, "#password": password}, "main button[type=submit]")
	tb.sees("Add a book", "Deleted books")
	tb.accessible("the administration")
	tb.open("/")
	tb.click("open a book", chromedp.Click(chromedp.Search(`//a[text()="Carrie"]`)))
	tb.submit("put it on promotion", map[string]string{"#actualPrice": "9.99", "#promotionalText": "Halloween offer"},
		`form[action$="/promotion"] button`)
	tb.sees("Saved.", "$9.99", "Halloween offer")
	tb.open("/")
	if struck := tb.text(".books del"); struck != "$18.00" {
		t.Errorf("the catalogue strikes through %q, want Carrie's $18.00", struck)
	}
	tb.sees("Halloween offer")
	tb.screenshot("catalogue")
	tb.click("open it again", chromedp.Click(chromedp.Search(`//a[text()="Carrie"]`)))
	tb.click("soft delete it", chromedp.Click(chromedp.CSS(`form[action$="/delete"] button`)))
	tb.sees("Deleted books", "Carrie")
	tb.open("/")
	if body := tb.text("main"); strings.Contains(body, "Carrie") {
		t.Error("a soft-deleted book is still in the catalogue")
	}
	tb.open("/admin/books/deleted")
	tb.click("restore it", chromedp.Click(chromedp.CSS(`form[action$="/restore"] button`)))
	tb.sees("The book is restored.", "Carrie")
	tb.open("/")
	tb.sees("Carrie")
}
