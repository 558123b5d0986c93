package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"example.com/bookapp/app/bus"
	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/books"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/users"
	"github.com/jackc/pgx/v5/pgxpool"
)

// serve listens first, so /healthz answers and /readyz says 503 while the
// database starts and migrations run; then it swaps in the full API and serves
// until ctx is done, when it drains in-flight requests and closes the pool.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	level := cfg.flags(fs, getenv)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "BOOKAPP_ADDR", ":8080"),
		"address to listen on (env BOOKAPP_ADDR)")
	fs.DurationVar(&cfg.tokenTTL, "token-ttl", envDuration(getenv, "BOOKAPP_TOKEN_TTL", 24*time.Hour),
		"how long a sign-in token stays valid (env BOOKAPP_TOKEN_TTL)")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 15*time.Second,
		"how long in-flight requests may take to finish after SIGINT/SIGTERM")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout",
		envDuration(getenv, "BOOKAPP_REQUEST_TIMEOUT", httpapi.DefaultRequestTimeout),
		"how long a request may work before its database calls give up with 503 (env BOOKAPP_REQUEST_TIMEOUT)")
	fs.DurationVar(&cfg.eventsLease, "events-lease", envDuration(getenv, "BOOKAPP_EVENTS_LEASE", time.Minute),
		"how long a relay may hold an event it is delivering before another instance takes it over, as after a crash (env BOOKAPP_EVENTS_LEASE)")
	fs.BoolVar(&cfg.secureCookies, "secure-cookies", getenv("BOOKAPP_SECURE_COOKIES") == "true",
		"mark the session cookie Secure (__Host-session) on every request, behind a proxy that terminates TLS (env BOOKAPP_SECURE_COOKIES=true)")
	contexts := fs.String("contexts", envOr(getenv, "BOOKAPP_CONTEXTS", "books,orders,users"),
		"the bounded contexts this process runs, comma-separated; the others are reached over NATS (env BOOKAPP_CONTEXTS)")
	fs.StringVar(&cfg.natsURL, "nats-url", getenv("BOOKAPP_NATS_URL"),
		"NATS server URL: asks for contexts that this process does not run go over it (env BOOKAPP_NATS_URL)")
	debugAddr := fs.String("debug-addr", getenv("BOOKAPP_DEBUG_ADDR"),
		"address for Go's profiler (net/http/pprof) on a listener of its own, such as 127.0.0.1:6060; off when empty (env BOOKAPP_DEBUG_ADDR)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	parsed, err := parseContexts(*contexts)
	if err != nil {
		return err
	}
	cfg.contexts = parsed
	if v := getenv("BOOKAPP_SECURE_COOKIES"); v != "" && v != "true" && v != "false" {
		return usageError{fmt.Sprintf("invalid BOOKAPP_SECURE_COOKIES %q: want true or false", v)}
	}
	if err := cfg.check(*level); err != nil {
		return err
	}
	if v := getenv("BOOKAPP_TOKEN_TTL"); v != "" {
		if _, err := time.ParseDuration(v); err != nil {
			return usageError{fmt.Sprintf("invalid BOOKAPP_TOKEN_TTL %q: want a duration such as 24h", v)}
		}
	}
	if cfg.tokenTTL <= 0 {
		return usageError{"the token lifetime must be positive"}
	}
	if v := getenv("BOOKAPP_REQUEST_TIMEOUT"); v != "" {
		if _, err := time.ParseDuration(v); err != nil {
			return usageError{fmt.Sprintf("invalid BOOKAPP_REQUEST_TIMEOUT %q: want a duration such as 10s", v)}
		}
	}
	if cfg.requestTimeout <= 0 {
		return usageError{"the request timeout must be positive"}
	}
	if v := getenv("BOOKAPP_EVENTS_LEASE"); v != "" {
		if _, err := time.ParseDuration(v); err != nil {
			return usageError{fmt.Sprintf("invalid BOOKAPP_EVENTS_LEASE %q: want a duration such as 1m", v)}
		}
	}
	if cfg.eventsLease <= 0 {
		return usageError{"the events lease must be positive"}
	}
	log := cfg.logger(stdout)
	tuneGC(getenv)

	if *debugAddr != "" {
		_, stopDebug, err := serveDebug(*debugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var current atomic.Pointer[http.Handler]
	starting := httpapi.Starting(log)
	current.Store(&starting)
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) }),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()))

	stop := func() error {
		log.Info("shutting down", slog.Duration("timeout", cfg.shutdownTimeout))
		sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			_ = srv.Close()
			return fmt.Errorf("in-flight requests did not finish within %s: %w", cfg.shutdownTimeout, err)
		}
		return nil
	}

	// A signal during start-up is a normal stop, not a failure.
	failed := func(err error) error {
		if ctx.Err() != nil {
			return stop()
		}
		return errors.Join(err, stop())
	}
	dbs, err := openDatabases(ctx, &cfg, cfg.contexts, log)
	if err != nil {
		return failed(err)
	}
	defer dbs.closeAll()
	metrics := httpapi.NewMetrics()
	background := make(map[string]*pgxpool.Pool, len(cfg.contexts)) // by context
	for i, pool := range dbs.pools {
		bg, err := openBackground(ctx, pool)
		if err != nil {
			return failed(err)
		}
		defer bg.Close()
		requests, backgroundName := "requests", "background"
		if len(dbs.pools) > 1 {
			requests, backgroundName = dbs.names[i]+" requests", dbs.names[i]+" background"
		}
		metrics.WatchPool(requests, pool)
		metrics.WatchPool(backgroundName, bg)
		for _, c := range strings.Split(dbs.names[i], ",") {
			background[c] = bg
		}
	}
	if err := migrateAll(ctx, dbs, cfg.contexts, log); err != nil {
		return failed(err)
	}
	brokerOpts := []broker.Option{broker.WithObserver(metrics.ObserveAsk)}
	var natsBus *bus.Bus
	if cfg.natsURL != "" {
		// Asks for the contexts that run elsewhere go over NATS.
		if natsBus, err = bus.Connect(ctx, cfg.natsURL, "bookapp "+strings.Join(cfg.contexts, ","), cfg.dbWait, log); err != nil {
			return failed(err)
		}
		defer natsBus.Close()
		brokerOpts = append(brokerOpts, broker.WithRemote(natsBus))
	}
	// The contexts meet only here: orders asks books through the broker and
	// users through the address contract, and books consumes orders' events.
	// A context this process does not run is reached over the bus.
	b := broker.New(brokerOpts...)
	deps := httpapi.Deps{Log: log, DB: dbs, Metrics: metrics, RequestTimeout: cfg.requestTimeout, SecureCookies: cfg.secureCookies}
	var (
		register     []func(*broker.Broker) error
		addresses    contracts.AddressProvider
		events       *outbox.Outbox
		runs         = func(c string) bool { return slices.Contains(cfg.contexts, c) }
		booksModule  *books.Module
		ordersModule *orders.Module
	)
	if runs("users") {
		usersModule := users.New(dbs.pool("users"), users.Options{TokenTTL: cfg.tokenTTL})
		if err := ensureAdmin(ctx, usersModule, &cfg, getenv, stderr, log); err != nil {
			return failed(err)
		}
		deps.Users, addresses = usersModule, usersModule.AddressProvider()
		register = append(register, usersModule.RegisterHandlers)
	} else {
		deps.Authenticator = users.RemoteAuthenticator(b)
		if runs("orders") {
			addresses = users.RemoteAddressProvider(b)
		}
	}
	if runs("books") {
		booksModule = books.New(dbs.pool("books"), books.Options{Background: background["books"]})
		deps.Books = booksModule
		register = append(register, booksModule.RegisterHandlers)
	}
	if runs("orders") {
		ordersModule = orders.New(dbs.pool("orders"), b, addresses, orders.Options{Background: background["orders"],
			Events: outbox.Options{Log: log, Lease: cfg.eventsLease}})
		deps.Orders, events = ordersModule, ordersModule.Events()
		register = append(register, ordersModule.RegisterHandlers)
	}
	// Books is the only consumer of orders' events: in one process it
	// subscribes to orders' outbox; in a split deployment orders' process
	// forwards the events to JetStream and books' process reads them.
	var feed *outbox.Feed
	switch {
	case booksModule != nil && ordersModule != nil:
		booksModule.Subscribe(ordersModule.Events())
	case natsBus != nil && ordersModule != nil:
		if err := natsBus.ForwardEvents(ctx, ordersModule.Events()); err != nil {
			return failed(err)
		}
	case natsBus != nil && booksModule != nil:
		feed = outbox.NewFeed("orders", log)
		booksModule.Subscribe(feed)
	}
	if events != nil {
		if err := verifyEvents(events); err != nil {
			return failed(err)
		}
		metrics.WatchEvents(events)
	}
	for _, r := range register {
		if err := r(b); err != nil {
			return failed(fmt.Errorf("register a context's broker handlers: %w", err))
		}
	}
	if natsBus != nil {
		// Served before this process verifies its own asks, so that two
		// processes that ask each other can both start.
		if err := natsBus.Serve(b); err != nil {
			return failed(err)
		}
		metrics.WatchBus(natsBus)
	}
	if err := verifyBroker(ctx, b, cfg.dbWait); err != nil {
		return failed(err)
	}
	var eventReader *bus.EventReader
	if feed != nil {
		// Waits, as the asks' verification does, for orders' process.
		vctx, cancel := context.WithTimeout(ctx, cfg.dbWait)
		eventReader, err = natsBus.NewEventReader(vctx, feed)
		cancel()
		if err != nil {
			return failed(err)
		}
		metrics.WatchFeed(eventReader)
	}
	api := httpapi.New(deps)
	current.Store(&api)
	// The relays of orders' outbox and books' background work run until
	// the requests have drained (deferred before the pools close), so an
	// order placed during the drain is still relayed, or left for the next
	// start.
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	if events != nil {
		workers.Go(func() { _ = events.Run(bgCtx) })
	}
	if booksModule != nil {
		workers.Go(func() { booksModule.Run(bgCtx, log) })
	}
	if eventReader != nil {
		workers.Go(func() { eventReader.Run(bgCtx, background["books"]) })
	}
	defer func() {
		stopBackground()
		workers.Wait()
	}()
	url := displayURL(ln.Addr())
	log.Info("ready", slog.String("url", url))
	fmt.Fprintf(stderr, "bookapp is ready at %s (Ctrl-C stops it)\n", url)

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	}
	if err := stop(); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// verifyBroker checks that every name a context asks the broker for has a
// handler whose types map to the asker's, so that a broken contract between
// contexts stops start-up, naming the name, instead of failing a customer's
// request later.
//
// Asks for contexts in other processes are checked against their handlers
// there, waiting up to wait for each to answer.
func verifyBroker(ctx context.Context, b *broker.Broker, wait time.Duration) error {
	vctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := b.VerifyContext(vctx); err != nil {
		return fmt.Errorf("the contracts between contexts do not hold, so bookapp will not serve: %w", err)
	}
	return nil
}

// verifyEvents checks that every consumer of the events' outbox subscribes
// to a type it publishes, with a struct whose fields map from the
// published one, so that a broken event contract stops start-up too.
func verifyEvents(events *outbox.Outbox) error {
	if err := events.Verify(); err != nil {
		return fmt.Errorf("the event contracts between contexts do not hold, so bookapp will not serve: %w", err)
	}
	return nil
}

// displayURL is the address a person on this machine would open.
func displayURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
