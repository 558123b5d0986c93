// Package books is the setup package (the front door) of the books bounded
// context: the catalogue, reviews, promotions and the book list. New wires
// the context's layers over a database pool and hands the app what it needs:
// the use cases (Service), the book lists (Lists), the broker handler that
// orders asks for the books of an order (RegisterHandlers) and the schema's
// migrations. It is the top layer of the context.
package books

import (
	"time"

	"example.com/bookapp/books/infrastructure"
	"example.com/bookapp/books/persistence"
	"example.com/bookapp/books/service"
	"example.com/bookapp/books/service/listbooks"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/migrate"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure the module; the zero value is production's defaults.
type Options struct {
	// Now is the clock; nil means time.Now. Tests move time with it.
	Now func() time.Time
}

// Module is the books context, wired.
type Module struct {
	service  *service.Service
	lists    *listbooks.Service
	forOrder *infrastructure.ForOrder
}

// New wires the books context over pool, whose database must hold the
// migrations of Migrations. It starts nothing and does no I/O.
func New(pool *pgxpool.Pool, opts Options) *Module {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	store := persistence.NewStore(pool)
	return &Module{
		service:  service.New(store, now),
		lists:    listbooks.New(pool, now),
		forOrder: infrastructure.NewForOrder(store),
	}
}

// Service returns the context's use cases but the book lists, for the app's
// HTTP handlers.
func (m *Module) Service() *service.Service { return m.service }

// Lists returns the book lists (the public catalogue and the
// administrators' list of soft-deleted books), for the app's HTTP handlers.
func (m *Module) Lists() *listbooks.Service { return m.lists }

// RegisterHandlers registers the context's broker handlers with b:
// "books.for-order", which answers orders' questions about the books of an
// order (see infrastructure.ForOrder). Call it once per broker, before the
// app verifies the broker's contracts.
func (m *Module) RegisterHandlers(b *broker.Broker) error {
	return m.forOrder.Register(b)
}

// Migrations returns the books context's schema migrations, which the app
// applies at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}
