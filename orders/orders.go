// Package orders is the setup package (the front door) of the orders bounded
// context: placing and managing orders. New wires the context's layers over a
// database pool and over what it needs from the other contexts — the broker,
// through which it asks books for the books of an order ("books.for-order"),
// and users' implementation of the shared contract contracts.AddressProvider
// — and hands the app what every context's setup package hands it: the
// schema's migrations (Migrations), the HTTP routes (Routes) and their part
// of the OpenAPI document (OpenAPI), and the broker handlers
// (RegisterHandlers: none yet). It is the top layer of the context, and the
// only package of it the app imports.
//
// Orders imports neither books nor users: the app hands it the two ways out,
// and the broker's Verify, at start-up, checks that books answers what orders
// asks.
package orders

import (
	"log/slog"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/httpapi"
	"example.com/bookapp/orders/infrastructure"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/web"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BooksForOrder is the broker name orders asks books through; the books
// context must handle it before the app calls the broker's Verify.
const BooksForOrder = infrastructure.BooksForOrder

// The events orders publishes (see Module.Events), by name; payload
// domain.OrderEvent, version domain.EventVersion.
const (
	OrderPlacedEvent    = domain.OrderPlacedEvent
	OrderCancelledEvent = domain.OrderCancelledEvent
)

// Options configure the module; the zero value is production's defaults.
type Options struct {
	// Now is the clock; nil means time.Now. Tests fix the day with it:
	// "today" for delivery dates is the UTC day of Now.
	Now func() time.Time
	// Events tune the relays of the context's outbox.
	Events outbox.Options
	// Background is the pool the outbox's relays, cleaner and statistics
	// use (the events themselves are written in the orders' transactions).
	// The app gives it a small pool of its own, so that requests queueing
	// for a connection of the request pool do not delay the events. nil
	// means the request pool.
	Background *pgxpool.Pool
}

// Module is the orders context, wired.
type Module struct {
	service *service.Service
	events  *outbox.Outbox
}

// New wires the orders context over pool, whose database must hold the
// migrations of Migrations. It declares on b that orders asks BooksForOrder
// (so b.Verify fails until books handles it) and reads customers' delivery
// addresses from addresses. It starts nothing and does no I/O.
func New(pool *pgxpool.Pool, b *broker.Broker, addresses contracts.AddressProvider, opts Options) *Module {
	background := pool
	if opts.Background != nil {
		background = opts.Background
	}
	events := persistence.NewOutbox(background, opts.Events)
	return &Module{
		service: service.New(persistence.NewStore(pool, events),
			infrastructure.NewCatalogue(b), infrastructure.NewAddressBook(addresses), opts.Now),
		events: events,
	}
}

// Events returns the context's outbox: the events it publishes
// ("orders.order-placed" and "orders.order-cancelled", payload
// domain.OrderEvent), for other contexts to subscribe to at wiring time, and
// for the app to relay (its Run) and to administer (parked deliveries,
// statistics).
func (m *Module) Events() *outbox.Outbox { return m.events }

// Routes mounts the context's HTTP endpoints on mux (see httpapi.Routes),
// whose requests must have been through web.Authenticate.
func (m *Module) Routes(mux web.Mux, log *slog.Logger) {
	httpapi.Routes(mux, log, m.service)
	httpapi.Pages(mux, log, m.service)
}

// RegisterHandlers registers the context's broker handlers with b. Orders
// answers no other context's questions yet, so it registers none; the
// method is here so that every context is wired the same way.
func (m *Module) RegisterHandlers(*broker.Broker) error { return nil }

// Service returns the context's use cases, for the context's own tests (the
// app reaches them over HTTP).
func (m *Module) Service() *service.Service { return m.service }

// Outbox returns the context's outbox over pool with no consumer subscribed:
// enough to administer it (statistics, parked deliveries, retries) from a
// command, without wiring the context.
func Outbox(pool *pgxpool.Pool) *outbox.Outbox {
	return persistence.NewOutbox(pool, outbox.Options{})
}

// Migrations returns the orders context's schema migrations, which the app
// applies at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}

// OpenAPI returns the context's part of the API's OpenAPI document, which
// the app merges with the others' and serves at /openapi.json.
func OpenAPI() []byte { return httpapi.OpenAPI() }
