// Package orders is the setup package (the front door) of the orders bounded
// context: placing and managing orders. New wires the context's layers over a
// database pool and over what it needs from the other contexts — the broker,
// through which it asks books for the books of an order ("books.for-order"),
// and users' implementation of the shared contract contracts.AddressProvider
// — and hands the app the use cases (Service) and the schema's migrations. It
// is the top layer of the context.
//
// Orders imports neither books nor users: the app hands it the two ways out,
// and the broker's Verify, at start-up, checks that books answers what orders
// asks.
package orders

import (
	"time"

	"example.com/bookapp/orders/infrastructure"
	"example.com/bookapp/orders/persistence"
	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/migrate"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BooksForOrder is the broker name orders asks books through; the books
// context must handle it before the app calls the broker's Verify.
const BooksForOrder = infrastructure.BooksForOrder

// Options configure the module; the zero value is production's defaults.
type Options struct {
	// Now is the clock; nil means time.Now. Tests fix the day with it:
	// "today" for delivery dates is the UTC day of Now.
	Now func() time.Time
}

// Module is the orders context, wired.
type Module struct {
	service *service.Service
}

// New wires the orders context over pool, whose database must hold the
// migrations of Migrations. It declares on b that orders asks BooksForOrder
// (so b.Verify fails until books handles it) and reads customers' delivery
// addresses from addresses. It starts nothing and does no I/O.
func New(pool *pgxpool.Pool, b *broker.Broker, addresses contracts.AddressProvider, opts Options) *Module {
	return &Module{
		service: service.New(persistence.NewStore(pool),
			infrastructure.NewCatalogue(b), infrastructure.NewAddressBook(addresses), opts.Now),
	}
}

// Service returns the context's use cases, for the app's HTTP handlers.
func (m *Module) Service() *service.Service { return m.service }

// Migrations returns the orders schema's migrations; see the package-level
// Migrations.
func (m *Module) Migrations() migrate.Source { return Migrations() }

// Migrations returns the orders context's schema migrations, which the app
// applies at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}
