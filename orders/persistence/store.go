package persistence

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Store reads and writes the orders schema. It holds every SQL statement of
// the context, and publishes the context's events in the transactions of the
// changes they report.
type Store struct {
	pool   *pgxpool.Pool
	events *outbox.Outbox
}

// NewStore returns a Store over pool, whose database holds the migrations of
// Migrations, that publishes the order events to events (an outbox in the
// orders schema; see NewOutbox).
func NewStore(pool *pgxpool.Pool, events *outbox.Outbox) *Store {
	return &Store{pool: pool, events: events}
}

// NewOutbox returns the orders schema's outbox over pool, with the events of
// domain declared on it.
func NewOutbox(pool *pgxpool.Pool, opts outbox.Options) *outbox.Outbox {
	o := outbox.New(pool, Schema, opts)
	outbox.Declare[domain.OrderEvent](o, domain.OrderPlacedEvent, domain.EventVersion)
	outbox.Declare[domain.OrderEvent](o, domain.OrderCancelledEvent, domain.EventVersion)
	return o
}

// Place stores the new order o with its lines in one transaction, with its
// "order placed" event, and returns its id.
//
// With a key (not IsZero), the transaction first claims key for o's
// customer. If the customer already used key, Place stores nothing and
// returns the id of the order placed with it, or ErrIdempotencyKeyReused when
// that order was placed for a request whose hash is not requestHash. The
// claim is the primary key of orders.idempotency_keys: when two requests
// with one key race, the second insert waits for the first transaction, then
// sees its row, so exactly one order is stored.
func (s *Store) Place(ctx context.Context, o *domain.Order, key domain.IdempotencyKey, requestHash []byte) (uuid.UUID, error) {
	placed := o.ID()
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		placed = o.ID()
		if !key.IsZero() {
			tag, err := tx.Exec(ctx, `
				INSERT INTO orders.idempotency_keys (user_id, key, request_hash, order_id, created_at)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (user_id, key) DO NOTHING`,
				o.UserID(), key.String(), requestHash, o.ID(), o.PlacedAt())
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				// Another transaction holds the key and has committed (the
				// insert waited for it). Read its row in a statement of its
				// own: under READ COMMITTED a new statement sees rows
				// committed after the transaction began, which a CTE of the
				// insert would not.
				id, err := keyedOrder(ctx, tx, o.UserID(), key, requestHash)
				placed = id
				return err
			}
		}
		// The order, its lines and its event in one round trip.
		batch := &pgx.Batch{}
		queueOrder(batch, o)
		if err := s.events.Queue(batch, o.ID(), domain.OrderPlacedEvent, domain.EventOf(o)); err != nil {
			return err
		}
		return tx.SendBatch(ctx, batch).Close()
	})
	switch {
	case errors.Is(err, domain.ErrIdempotencyKeyReused):
		return uuid.Nil, err
	case errors.Is(err, domain.ErrOrderNotFound):
		// The key's row was there a moment ago, and nothing deletes keys.
		return uuid.Nil, fmt.Errorf("orders: place order: idempotency key %q conflicted, but its row is gone", key)
	case err != nil:
		return uuid.Nil, pgtx.Wrap("orders: place order", err)
	}
	return placed, nil
}

// KeyedOrder returns the id of the order customer userID placed with key, or
// domain.ErrOrderNotFound if they have not used key, or
// domain.ErrIdempotencyKeyReused if they used it for a request whose hash is
// not requestHash.
func (s *Store) KeyedOrder(ctx context.Context, userID uuid.UUID, key domain.IdempotencyKey, requestHash []byte) (uuid.UUID, error) {
	id, err := pgtx.Read(ctx, s.pool, func() (uuid.UUID, error) { return keyedOrder(ctx, s.pool, userID, key, requestHash) })
	if errors.Is(err, domain.ErrOrderNotFound) || errors.Is(err, domain.ErrIdempotencyKeyReused) {
		return uuid.Nil, err
	}
	return id, pgtx.Wrap("orders: read idempotency key", err)
}

// querier is what reads need of a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func keyedOrder(ctx context.Context, q querier, userID uuid.UUID, key domain.IdempotencyKey, requestHash []byte) (uuid.UUID, error) {
	var (
		id   uuid.UUID
		hash []byte
	)
	err := q.QueryRow(ctx, `
		SELECT order_id, request_hash FROM orders.idempotency_keys WHERE user_id = $1 AND key = $2`,
		userID, key.String()).Scan(&id, &hash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return uuid.Nil, domain.ErrOrderNotFound
	case err != nil:
		return uuid.Nil, err
	case !bytes.Equal(hash, requestHash):
		return uuid.Nil, domain.ErrIdempotencyKeyReused
	}
	return id, nil
}

// queueOrder queues on batch the statement that stores o and its lines.
func queueOrder(batch *pgx.Batch, o *domain.Order) {
	lines := o.Lines()
	var (
		nums, quantities = make([]int32, len(lines)), make([]int32, len(lines))
		bookIDs          = make([]uuid.UUID, len(lines))
		titles           = make([]string, len(lines))
		prices           = make([]int64, len(lines))
	)
	for i, l := range lines {
		nums[i], bookIDs[i], titles[i], prices[i], quantities[i] =
			int32(l.Num()), l.BookID(), l.Title(), l.UnitPriceCents(), int32(l.Quantity())
	}
	a := o.DeliveryAddress()
	batch.Queue(`
		WITH o AS (
			INSERT INTO orders.orders (id, user_id, status, placed_at, expected_delivery_date,
				address_line1, address_line2, address_city, address_postcode, address_country)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			RETURNING id
		)
		INSERT INTO orders.line_items (order_id, line_num, book_id, title, unit_price_cents, quantity)
		SELECT o.id, l.* FROM o, unnest($11::integer[], $12::uuid[], $13::text[], $14::bigint[], $15::integer[]) AS l`,
		o.ID(), o.UserID(), string(o.Status()), o.PlacedAt(), o.ExpectedDeliveryDate(),
		a.Line1, a.Line2, a.City, a.Postcode, a.Country,
		nums, bookIDs, titles, prices, quantities)
}

// selectOrders reads orders with their lines aggregated into arrays, one row
// per order, in one round trip; scanOrder reads its rows.
const selectOrders = `
	SELECT o.id, o.user_id, o.status, o.placed_at, o.expected_delivery_date,
		o.address_line1, o.address_line2, o.address_city, o.address_postcode, o.address_country,
		l.nums, l.book_ids, l.titles, l.prices, l.quantities
	FROM orders.orders o
	CROSS JOIN LATERAL (
		SELECT array_agg(line_num ORDER BY line_num) AS nums,
			array_agg(book_id ORDER BY line_num) AS book_ids,
			array_agg(title ORDER BY line_num) AS titles,
			array_agg(unit_price_cents ORDER BY line_num) AS prices,
			array_agg(quantity ORDER BY line_num) AS quantities
		FROM orders.line_items WHERE order_id = o.id
	) l`

func scanOrder(row pgx.Row) (*domain.Order, error) {
	var (
		o                domain.StoredOrder
		a                = &o.Address
		nums, quantities []int32
		bookIDs          []uuid.UUID
		titles           []string
		prices           []int64
	)
	err := row.Scan(&o.ID, &o.UserID, &o.Status, &o.PlacedAt, &o.DeliveryDate,
		&a.Line1, &a.Line2, &a.City, &a.Postcode, &a.Country,
		&nums, &bookIDs, &titles, &prices, &quantities)
	if err != nil {
		return nil, err
	}
	o.Lines = make([]domain.StoredLine, len(nums))
	for i := range nums {
		o.Lines[i] = domain.StoredLine{Num: int(nums[i]), BookID: bookIDs[i], Title: titles[i], UnitPriceCents: prices[i], Quantity: int(quantities[i])}
	}
	return domain.RestoreOrder(o), nil
}

// Order returns order id, or domain.ErrOrderNotFound.
func (s *Store) Order(ctx context.Context, id uuid.UUID) (*domain.Order, error) {
	o, err := pgtx.Read(ctx, s.pool, func() (*domain.Order, error) {
		return scanOrder(s.pool.QueryRow(ctx, selectOrders+` WHERE o.id = $1`, id))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrOrderNotFound
	}
	return o, pgtx.Wrap("orders: read order", err)
}

// A ListQuery selects a page of orders, newest (highest id) first.
type ListQuery struct {
	All    bool      // every customer's orders; else UserID's only
	UserID uuid.UUID // whose orders, unless All
	Before uuid.UUID // only orders with a lower id; uuid.Nil: from the newest
	Limit  int       // at most this many
}

// List returns the orders q selects, newest first, by keyset on the primary
// key (or on the customer's index): no OFFSET, so every page costs the same.
func (s *Store) List(ctx context.Context, q ListQuery) ([]*domain.Order, error) {
	if !q.All && q.UserID == uuid.Nil {
		return nil, errors.New("orders: list: no customer given, and not all orders asked for")
	}
	before := q.Before
	if before == uuid.Nil {
		before = uuid.Max
	}
	orders, err := pgtx.Read(ctx, s.pool, func() ([]*domain.Order, error) {
		var (
			rows pgx.Rows
			err  error
		)
		if q.All {
			rows, err = s.pool.Query(ctx, selectOrders+` WHERE o.id < $1 ORDER BY o.id DESC LIMIT $2`, before, q.Limit)
		} else {
			rows, err = s.pool.Query(ctx, selectOrders+` WHERE o.user_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3`,
				q.UserID, before, q.Limit)
		}
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Order, error) { return scanOrder(row) })
	})
	return orders, pgtx.Wrap("orders: list orders", err)
}

// Update runs change on order id in a transaction that holds the order's row
// locked, and stores the status and expected delivery date it leaves; the
// rest of an order never changes. When change cancels the order, the "order
// cancelled" event is published in the same transaction. It returns the
// order as stored, or domain.ErrOrderNotFound, or change's error (and then
// stores nothing).
// change may run more than once, on a freshly read order each time, if the
// transaction has to be retried.
func (s *Store) Update(ctx context.Context, id uuid.UUID, change func(*domain.Order) error) (*domain.Order, error) {
	var o *domain.Order
	err := pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		o, err = scanOrder(tx.QueryRow(ctx, selectOrders+` WHERE o.id = $1 FOR UPDATE OF o`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.ErrOrderNotFound
		}
		if err != nil {
			return err
		}
		was := o.Status()
		if err := change(o); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		batch.Queue(`UPDATE orders.orders SET status = $2, expected_delivery_date = $3 WHERE id = $1`,
			id, string(o.Status()), o.ExpectedDeliveryDate())
		if o.Status() == domain.Cancelled && was != domain.Cancelled {
			if err := s.events.Queue(batch, o.ID(), domain.OrderCancelledEvent, domain.EventOf(o)); err != nil {
				return err
			}
		}
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		if errs.KindOf(err) != nil {
			return nil, err // the domain's own error, or change's
		}
		return nil, pgtx.Wrap("orders: update order", err)
	}
	return o, nil
}
