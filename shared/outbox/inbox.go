package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// An Inbox is a consuming context's record of the events it has applied:
// the table <schema>.inbox (consumer, event_id, received_at), primary key
// (consumer, event_id), created by the consumer's own migrations.
type Inbox struct {
	pool      *pgxpool.Pool
	schema    string
	retention time.Duration
}

// NewInbox returns the inbox in schema, over pool. Entries older than
// retention are deleted by Run; it must be longer than any delivery can be
// late (events are redelivered only until their delivery is recorded, which
// is seconds after a crash, or when parked and retried): 0 means 30 days,
// longer than the outbox's default retention of delivered events.
func NewInbox(pool *pgxpool.Pool, schema string, retention time.Duration) *Inbox {
	if !schemaName.MatchString(schema) {
		panic(fmt.Sprintf("outbox: schema %q is not a plain lower-case identifier", schema))
	}
	if retention <= 0 {
		retention = 30 * 24 * time.Hour
	}
	return &Inbox{pool: pool, schema: schema, retention: retention}
}

// Record records in tx, the transaction of the event's effect, that
// consumer received event id, and reports whether this is the first time.
// When it is not, the effect was applied by an earlier delivery and must not
// be applied again: return without writing. Two deliveries of one event at
// once serialize on the primary key; the second sees the first's row once
// it commits.
func (i *Inbox) Record(ctx context.Context, tx pgx.Tx, consumer string, id uuid.UUID) (bool, error) {
	tag, err := tx.Exec(ctx, `
		INSERT INTO `+i.schema+`.inbox (consumer, event_id, received_at) VALUES ($1, $2, now())
		ON CONFLICT (consumer, event_id) DO NOTHING`, consumer, id)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Clean deletes the entries older than the retention, and returns how many.
func (i *Inbox) Clean(ctx context.Context) (int, error) {
	tag, err := i.pool.Exec(ctx, `DELETE FROM `+i.schema+`.inbox WHERE received_at < now() - $1 * interval '1 microsecond'`, i.retention.Microseconds())
	return int(tag.RowsAffected()), pgtx.Wrap("outbox: clean the "+i.schema+" inbox", err)
}

// Run cleans the inbox every hour until ctx is done, and returns nil.
func (i *Inbox) Run(ctx context.Context, log *slog.Logger) error {
	for {
		if _, err := i.Clean(ctx); err != nil && ctx.Err() == nil {
			log.Warn("outbox: cleaning the inbox failed", "schema", i.schema, "err", err)
		}
		sleep(ctx, time.Hour)
		if ctx.Err() != nil {
			return nil
		}
	}
}
