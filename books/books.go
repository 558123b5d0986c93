// Package books is the setup package (the front door) of the books bounded
// context: the catalogue, reviews, promotions and the book list. New wires
// the context's layers over a database pool and hands the app what every
// context's setup package hands it: the schema's migrations (Migrations),
// the HTTP routes (Routes) and their part of the OpenAPI document (OpenAPI),
// the broker handlers (RegisterHandlers: the one orders asks for the books
// of an order), its subscription to orders' events (Subscribe) and its
// background work (Run). It is the top layer of the context, and the only
// package of it the app imports.
package books

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"example.com/bookapp/books/httpapi"
	"example.com/bookapp/books/infrastructure"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/books/persistence/cachecheck"
	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/web"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure the module; the zero value is production's defaults.
type Options struct {
	// Now is the clock; nil means time.Now. Tests move time with it.
	Now func() time.Time
	// Background is the pool of the context's background work: its event
	// consumers' effects and its inbox's cleaner. The app gives it a small
	// pool of its own, so that requests queueing for a connection of the
	// request pool do not delay the events. nil means the request pool.
	Background *pgxpool.Pool
}

// Module is the books context, wired.
type Module struct {
	store    *persistence.Store
	events   *persistence.Store // on Options.Background
	service  *service.Service
	lists    *listbooks.Service
	forOrder *infrastructure.ForOrder
	sales    *infrastructure.SalesLister // on events
}

// New wires the books context over pool, whose database must hold the
// migrations of Migrations. It starts nothing and does no I/O.
func New(pool *pgxpool.Pool, opts Options) *Module {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	store, events := persistence.NewStore(pool), persistence.NewStore(pool)
	if opts.Background != nil {
		events = persistence.NewStore(opts.Background)
	}
	return &Module{
		store:  store,
		events: events,
		service: service.New(store, func(ctx context.Context, fix bool) (cachecheck.Report, error) {
			return cachecheck.Check(ctx, pool, fix)
		}, now),
		lists:    listbooks.New(pool, now),
		forOrder: infrastructure.NewForOrder(store),
		sales:    infrastructure.NewSalesLister(events, infrastructure.SalesListDelay),
	}
}

// Routes mounts the context's HTTP endpoints on mux (see httpapi.Routes),
// whose requests must have been through web.Authenticate.
func (m *Module) Routes(mux web.Mux, log *slog.Logger) {
	httpapi.Routes(mux, log, m.service, m.lists)
	httpapi.Pages(mux, log, m.service, m.lists)
}

// Service returns the context's use cases but the book lists, for the
// context's own tests and tools (the app reaches them over HTTP).
func (m *Module) Service() *service.Service { return m.service }

// Lists returns the book lists (the public catalogue and the
// administrators' list of soft-deleted books), for the context's own tests.
func (m *Module) Lists() *listbooks.Service { return m.lists }

// RegisterHandlers registers the context's broker handlers with b:
// "books.for-order", which answers orders' questions about the books of an
// order (see infrastructure.ForOrder). Call it once per broker, before the
// app verifies the broker's contracts.
func (m *Module) RegisterHandlers(b *broker.Broker) error {
	return m.forOrder.Register(b)
}

// Subscribe makes the context a consumer of the orders context's order
// events on events — orders' outbox in one process, or the bus's Feed of
// them when orders runs in another (see infrastructure.SubscribeSales):
// they feed the bestsellers sort and the reviews' verified purchases. Call
// it at wiring time, before the source's Verify and Run.
func (m *Module) Subscribe(events outbox.Source) {
	infrastructure.SubscribeSales(events, m.events, m.sales)
}

// Run does the context's background work until ctx is done: it copies to
// the book list the counts of copies sold that the events moved (see
// infrastructure.SalesLister) and deletes old entries of the schema's
// inbox. The app runs it in every process that runs the context.
func (m *Module) Run(ctx context.Context, log *slog.Logger) {
	var work sync.WaitGroup
	work.Go(func() { m.sales.Run(ctx, log) })
	work.Go(func() { _ = m.events.Inbox().Run(ctx, log) })
	work.Wait()
}

// Migrations returns the books context's schema migrations, which the app
// applies at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}

// OpenAPI returns the context's part of the API's OpenAPI document, which
// the app merges with the others' and serves at /openapi.json.
func OpenAPI() []byte { return httpapi.OpenAPI() }
