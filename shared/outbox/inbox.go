package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"example.com/bookapp/shared/pgtx"
	"github.com/jackc/pgx/v5/pgxpool"
)

// An Inbox is a consuming context's record of the events it has applied:
// the table <schema>.inbox (consumer, event_id, received_at), primary key
// (consumer, event_id), created by the consumer's own migrations.
//
// A handler records the event and applies its effect in one statement, so
// that both commit together and a redelivered event changes nothing: the
// statement's first CTE inserts the entry, ON CONFLICT DO NOTHING RETURNING
// it, and the effect reads FROM that CTE, so it runs only when the entry is
// new. For example:
//
//	WITH first AS (
//		INSERT INTO books.inbox (consumer, event_id, received_at) VALUES ($1, $2, now())
//		ON CONFLICT (consumer, event_id) DO NOTHING
//		RETURNING event_id
//	)
//	INSERT INTO books.purchases (...) SELECT ... FROM first, ...
//
// One statement is one round trip and PostgreSQL's own transaction; two
// deliveries of one event at once serialize on the primary key, and the
// second finds the first's entry once it commits. (A transaction of two
// statements — the entry, then the effect if the entry was new — is the same
// guarantee at four round trips; the relay's throughput is what it costs.)
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
