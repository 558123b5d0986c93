package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The scenario's routes, in the order an iteration calls them; a sample's
// route is an index into scenarioRoutes.
const (
	routeListBooks = iota
	routeGetBook
	routeAddReview
	routePlaceOrder
	routeListOrders
	routeGetOrder
)

var scenarioRoutes = []string{
	routeListBooks:  "GET /api/books?sort=votes",
	routeGetBook:    "GET /api/books/{id}",
	routeAddReview:  "POST /api/books/{id}/reviews",
	routePlaceOrder: "POST /api/orders",
	routeListOrders: "GET /api/orders",
	routeGetOrder:   "GET /api/orders/{id}",
}

// scenarioConfig is everything a scenario run needs to know.
type scenarioConfig struct {
	Base       string        // the app's base URL
	Profile    profile       // how many users run when
	PageSize   int           // books per list page
	Pages      int           // how deep a user pages through the list before starting over
	Think      time.Duration // pause between a user's iterations
	SetupConns int           // accounts created at once before the run
	Grace      time.Duration // how long iterations under way may take to finish at the end
	Tick       time.Duration // how often the number of users is adjusted to the profile
}

// An account is a virtual user's identity: signed in, with a delivery
// address, ready to order.
type account struct {
	Email, Token string
}

// runUsers runs one virtual user per account on the scenario, as many at a
// time as cfg.Profile says, and returns every request's sample (route indexes
// into scenarioRoutes, stage indexes into cfg.Profile.Stages), the error
// messages and how long the run took.
func runUsers(ctx context.Context, hc *http.Client, cfg scenarioConfig, accounts []account) ([]sample, map[string]int, time.Duration) {
	var (
		stage atomic.Int32
		mu    sync.Mutex
		recs  []*recorder
	)
	elapsed := runProfile(ctx, cfg.Profile, &stage, cfg.Tick, cfg.Grace, func(ctx context.Context, i int, stop <-chan struct{}) {
		// A user stopped and started again gets a new recorder: its
		// previous goroutine may still be finishing an iteration.
		u := &virtualUser{hc: hc, cfg: &cfg, account: accounts[i%len(accounts)], stage: &stage, rec: newRecorder()}
		mu.Lock()
		recs = append(recs, u.rec)
		mu.Unlock()
		u.run(ctx, stop)
	})
	samples, errors := merge(recs)
	return samples, errors, elapsed
}

// scenarioReport summarizes a scenario run per route and per stage of the
// profile.
func scenarioReport(cfg scenarioConfig, samples []sample, elapsed time.Duration) report {
	p := cfg.Profile
	r := report{
		Title: fmt.Sprintf("loadgen scenario against %s: profile %s (%s, up to %d users), page size %d, up to %d pages deep",
			cfg.Base, p.Name, p.Duration(), p.MaxUsers(), cfg.PageSize, cfg.Pages),
		Elapsed: elapsed,
	}
	for i, name := range scenarioRoutes {
		r.Routes = append(r.Routes, summarize(name, samples, func(s sample) bool { return int(s.route) == i }))
	}
	r.Total = summarize("all requests", samples, func(sample) bool { return true })
	for i, st := range p.Stages {
		if st.Duration == 0 {
			continue // never under way
		}
		s := summarize(p.Label(i), samples, func(s sample) bool { return int(s.stage) == i })
		window := st.Duration
		if i == len(p.Stages)-1 {
			window += max(0, elapsed-p.Duration()) // iterations finishing after the end
		}
		r.Stages = append(r.Stages, stageLine{Label: s.Name, summary: s, Rate: float64(s.Count) / window.Seconds()})
	}
	return r
}

// runProfile runs users as p says until it ends: every tick it starts users
// (start(ctx, i, stop) on a goroutine, user i counting from 0) or stops the
// most recently started ones, by closing their stop channel. At the end it
// stops them all and waits for them, for at most grace, after which it
// cancels ctx for those still busy. stage always holds the stage under way.
// It returns when every user has returned, with the time since the start.
func runProfile(ctx context.Context, p profile, stage *atomic.Int32, tick, grace time.Duration,
	start func(ctx context.Context, i int, stop <-chan struct{})) time.Duration {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var running []chan struct{} // stop channels, one per running user
	t := time.NewTicker(tick)
	defer t.Stop()
	begin := time.Now()
	for {
		elapsed := time.Since(begin)
		if elapsed >= p.Duration() || ctx.Err() != nil {
			break
		}
		want, st := p.At(elapsed)
		stage.Store(int32(st))
		for len(running) < want {
			i, stop := len(running), make(chan struct{})
			running = append(running, stop)
			wg.Go(func() { start(ctx, i, stop) })
		}
		for len(running) > want {
			close(running[len(running)-1])
			running = running[:len(running)-1]
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	for _, stop := range running {
		close(stop)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancel()
		<-done
	}
	return time.Since(begin)
}

// A virtualUser runs the scenario in a loop with its own account, walking
// through the list of books page by page.
type virtualUser struct {
	hc      *http.Client
	cfg     *scenarioConfig
	account account
	stage   *atomic.Int32
	rec     *recorder

	cursor string // of the next list page; "" for the first
	page   int    // pages read since the first
}

// run iterates until stop is closed or ctx is done, finishing the iteration
// under way when stop closes.
func (u *virtualUser) run(ctx context.Context, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		u.iterate(ctx)
		if u.cfg.Think > 0 {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-time.After(u.cfg.Think):
			}
		}
	}
}

// The parts of the API's answers the scenario reads.
type (
	bookPage struct {
		Items []struct {
			ID          string  `json:"id"`
			ActualPrice float64 `json:"actualPrice"`
		} `json:"items"`
		NextCursor *string `json:"nextCursor"`
	}
	idOnly struct {
		ID string `json:"id"`
	}
	orderPage struct {
		Items []idOnly `json:"items"`
	}
	reviewBody struct {
		NumStars int    `json:"numStars"`
		Comment  string `json:"comment"`
	}
	orderLine struct {
		BookID   string `json:"bookId"`
		Quantity int    `json:"quantity"`
	}
	orderBody struct {
		Lines       []orderLine `json:"lines"`
		AcceptTerms bool        `json:"acceptTerms"`
	}
)

// booksInOrder is how many different books an order of the scenario holds.
const booksInOrder = 3

// iterate runs the scenario once: list a page of books by votes, get one of
// them, review it, order three books of the page, list own orders, get the
// new order. A failed step ends the iteration, since the next steps need
// its answer.
func (u *virtualUser) iterate(ctx context.Context) {
	q := url.Values{"sort": {"votes"}, "pageSize": {strconv.Itoa(u.cfg.PageSize)}}
	if u.cursor != "" {
		q.Set("cursor", u.cursor)
	}
	var page bookPage
	if !u.call(ctx, routeListBooks, call{Method: http.MethodGet, Path: "/api/books?" + q.Encode(), Want: http.StatusOK, Out: &page}) {
		u.cursor, u.page = "", 0 // the cursor may be the trouble: start over
		return
	}
	u.page++
	if page.NextCursor == nil || *page.NextCursor == "" || u.page >= u.cfg.Pages {
		u.cursor, u.page = "", 0
	} else {
		u.cursor = *page.NextCursor
	}
	if len(page.Items) == 0 {
		return
	}

	book := page.Items[mrand.IntN(len(page.Items))].ID
	if !u.call(ctx, routeGetBook, call{Method: http.MethodGet, Path: "/api/books/" + book, Want: http.StatusOK, Out: &idOnly{}}) {
		return
	}
	review := reviewBody{NumStars: 1 + mrand.IntN(5), Comment: "Written by the load generator."}
	if !u.call(ctx, routeAddReview, call{Method: http.MethodPost, Path: "/api/books/" + book + "/reviews",
		Token: u.account.Token, Body: review, Want: http.StatusCreated}) {
		return
	}

	var order orderBody
	order.AcceptTerms = true
	for _, i := range mrand.Perm(len(page.Items)) {
		if it := page.Items[i]; it.ActualPrice > 0 { // a book with price 0 is not for sale
			order.Lines = append(order.Lines, orderLine{BookID: it.ID, Quantity: 1 + mrand.IntN(2)})
			if len(order.Lines) == booksInOrder {
				break
			}
		}
	}
	if len(order.Lines) == 0 {
		return
	}
	var placed idOnly
	if !u.call(ctx, routePlaceOrder, call{Method: http.MethodPost, Path: "/api/orders", Token: u.account.Token,
		Header: http.Header{"Idempotency-Key": {rand.Text()}}, Body: order, Want: http.StatusCreated, Out: &placed}) {
		return
	}
	if !u.call(ctx, routeListOrders, call{Method: http.MethodGet, Path: "/api/orders", Token: u.account.Token,
		Want: http.StatusOK, Out: &orderPage{}}) {
		return
	}
	u.call(ctx, routeGetOrder, call{Method: http.MethodGet, Path: "/api/orders/" + placed.ID, Token: u.account.Token,
		Want: http.StatusOK, Out: &idOnly{}})
}

// call sends c and records it under route and the stage under way when it
// was sent; it reports whether it succeeded. A call cut short by the end of
// the run is not recorded.
func (u *virtualUser) call(ctx context.Context, route int, c call) bool {
	stage := int(u.stage.Load())
	took, err := do(ctx, u.hc, u.cfg.Base, c)
	if errors.Is(err, errCanceled) {
		return false
	}
	msg := ""
	if err != nil {
		msg = scenarioRoutes[route] + ": " + err.Error()
	}
	u.rec.record(route, stage, took, err != nil, msg)
	return err == nil
}

// createAccounts registers n users, signs each in and gives each a delivery
// address, conns at a time. This is set-up, not measured: signing up and in
// hash a password, deliberately slowly. The e-mail addresses are new on
// every run, so a run can reuse a database that earlier runs filled.
func createAccounts(ctx context.Context, hc *http.Client, base string, n, conns int) ([]account, error) {
	run := rand.Text()[:8]
	password := "loadgen-" + rand.Text()
	accounts := make([]account, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(conns, n)) {
		wg.Go(func() {
			for i := range next {
				a, err := createAccount(ctx, hc, base, fmt.Sprintf("loadgen-%s-%d@example.com", run, i), password, i)
				if err != nil {
					cancel(err)
					return
				}
				accounts[i] = a
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, fmt.Errorf("set-up: %w", err)
	}
	return accounts, nil
}

// createAccount signs up one user, signs it in and sets its address.
func createAccount(ctx context.Context, hc *http.Client, base, email, password string, i int) (account, error) {
	credentials := map[string]string{"email": email, "password": password}
	signUp := map[string]string{"email": email, "password": password, "name": fmt.Sprintf("Load User %d", i+1)}
	if _, err := do(ctx, hc, base, call{Method: http.MethodPost, Path: "/api/users", Body: signUp,
		Want: http.StatusCreated}); err != nil {
		return account{}, fmt.Errorf("sign up %s: %w", email, err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if _, err := do(ctx, hc, base, call{Method: http.MethodPost, Path: "/api/auth/login", Body: credentials,
		Want: http.StatusOK, Out: &tok}); err != nil {
		return account{}, fmt.Errorf("sign in %s: %w", email, err)
	}
	address := map[string]string{"line1": fmt.Sprintf("%d Load Street", i+1), "city": "Testville",
		"postcode": "LG1 1AA", "country": "GB"}
	if _, err := do(ctx, hc, base, call{Method: http.MethodPut, Path: "/api/users/me/address", Token: tok.Token,
		Body: address, Want: http.StatusOK}); err != nil {
		return account{}, fmt.Errorf("set the address of %s: %w", email, err)
	}
	return account{Email: email, Token: tok.Token}, nil
}
