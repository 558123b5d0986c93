package outbox

import (
	"cmp"
	"context"
	"slices"
	"time"

	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// A Delivery is one event's delivery to one consumer, as the command line
// and the metrics show it.
type Delivery struct {
	EventID     uuid.UUID
	Type        string
	Version     int
	AggregateID uuid.UUID
	Consumer    string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	ParkedAt    time.Time // zero unless parked
}

// Parked returns the parked deliveries, oldest event first.
func (o *Outbox) Parked(ctx context.Context) ([]Delivery, error) {
	ds, err := pgtx.Read(ctx, o.pool, func() ([]Delivery, error) {
		rows, err := o.pool.Query(ctx, `
			SELECT e.id, e.type, e.version, e.aggregate_id, d.consumer, d.attempts, d.last_error, e.created_at, d.parked_at
			FROM `+o.schema+`.outbox_deliveries d
			JOIN `+o.schema+`.outbox_events e ON e.id = d.event_id
			WHERE d.parked_at IS NOT NULL AND d.delivered_at IS NULL
			ORDER BY e.id, d.consumer`)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
			var d Delivery
			err := r.Scan(&d.EventID, &d.Type, &d.Version, &d.AggregateID, &d.Consumer, &d.Attempts, &d.LastError, &d.CreatedAt, &d.ParkedAt)
			d.CreatedAt, d.ParkedAt = d.CreatedAt.UTC(), d.ParkedAt.UTC()
			return d, err
		})
	})
	return ds, pgtx.Wrap("outbox: list parked deliveries", err)
}

// Retry makes parked deliveries due again with a fresh count of attempts:
// that of event id to consumer, every consumer of it when consumer is "",
// or every parked delivery when id is uuid.Nil. It wakes the relays and
// returns how many deliveries it unparked.
func (o *Outbox) Retry(ctx context.Context, id uuid.UUID, consumer string) (int, error) {
	var n int64
	err := pgtx.Run(ctx, o.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE `+o.schema+`.outbox_deliveries
			SET parked_at = NULL, attempts = 0, next_at = now()
			WHERE parked_at IS NOT NULL AND delivered_at IS NULL
			  AND ($1::uuid IS NULL OR event_id = $1) AND ($2 = '' OR consumer = $2)`,
			nullID(id), consumer)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, '')`, o.channel)
		return err
	})
	return int(n), pgtx.Wrap("outbox: retry parked deliveries", err)
}

func nullID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// A Stat is the state of the undelivered events of one type for one
// consumer.
type Stat struct {
	Type     string
	Consumer string
	Pending  int           // not yet delivered, not parked
	Parked   int           // parked after MaxAttempts failures
	Lag      time.Duration // age of the oldest pending event; 0 when none
}

// Stats returns the undelivered deliveries by event type and consumer, for
// every pair subscribed here and every other pair that has any, sorted by
// type and consumer. It reads only undelivered rows, through the partial
// index of pending deliveries.
func (o *Outbox) Stats(ctx context.Context) ([]Stat, error) {
	stats, err := pgtx.Read(ctx, o.pool, func() ([]Stat, error) {
		rows, err := o.pool.Query(ctx, `
			SELECT e.type, d.consumer,
			       count(*) FILTER (WHERE d.parked_at IS NULL),
			       count(*) FILTER (WHERE d.parked_at IS NOT NULL),
			       coalesce(extract(epoch FROM now() - min(e.created_at) FILTER (WHERE d.parked_at IS NULL)), 0)::float8
			FROM `+o.schema+`.outbox_deliveries d
			JOIN `+o.schema+`.outbox_events e ON e.id = d.event_id
			WHERE d.delivered_at IS NULL
			GROUP BY e.type, d.consumer
			ORDER BY e.type, d.consumer`)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Stat, error) {
			var (
				s   Stat
				lag float64
			)
			err := r.Scan(&s.Type, &s.Consumer, &s.Pending, &s.Parked, &lag)
			s.Lag = time.Duration(lag * float64(time.Second))
			return s, err
		})
	})
	if err != nil {
		return nil, pgtx.Wrap("outbox: read delivery statistics", err)
	}
	o.mu.Lock()
	for name, subs := range o.subs {
		for _, sub := range subs {
			if !slices.ContainsFunc(stats, func(s Stat) bool { return s.Type == name && s.Consumer == sub.consumer }) {
				stats = append(stats, Stat{Type: name, Consumer: sub.consumer})
			}
		}
	}
	o.mu.Unlock()
	slices.SortFunc(stats, func(a, b Stat) int { return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Consumer, b.Consumer)) })
	return stats, nil
}

// Clean deletes events created more than Retention ago whose every delivery
// has been made (their delivery rows go with them), a thousand at a time, and
// returns how many it deleted. Run calls it every hour. The events are found
// by their ids, UUIDv7s whose first 48 bits are the milliseconds of their
// making: the primary key is the index by age, and the table needs no other.
func (o *Outbox) Clean(ctx context.Context) (int, error) {
	cutoff := firstIDAt(time.Now().Add(-o.opts.Retention))
	total := 0
	for {
		tag, err := o.pool.Exec(ctx, `
			DELETE FROM `+o.schema+`.outbox_events
			WHERE id IN (
				SELECT e.id FROM `+o.schema+`.outbox_events e
				WHERE e.id < $1
				  AND NOT EXISTS (SELECT 1 FROM `+o.schema+`.outbox_deliveries d
				                  WHERE d.event_id = e.id AND d.delivered_at IS NULL)
				ORDER BY e.id
				LIMIT 1000)`, cutoff)
		if err != nil {
			return total, pgtx.Wrap("outbox: clean delivered events", err)
		}
		total += int(tag.RowsAffected())
		if tag.RowsAffected() < 1000 || ctx.Err() != nil {
			return total, nil
		}
	}
}

// firstIDAt returns the smallest UUIDv7 made at t or later.
func firstIDAt(t time.Time) uuid.UUID {
	var id uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = 0x70 // version 7
	id[8] = 0x80 // the RFC 9562 variant
	return id
}

func (o *Outbox) cleanEvery(ctx context.Context, every time.Duration) {
	for {
		if _, err := o.Clean(ctx); err != nil && ctx.Err() == nil {
			o.opts.Log.Warn("outbox: cleaning failed", "schema", o.schema, "err", err)
		}
		sleep(ctx, every)
		if ctx.Err() != nil {
			return
		}
	}
}
