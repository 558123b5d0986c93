// Package outbox carries integration events from one bounded context to
// others: a transactional outbox in the producer's schema, relayed at least
// once, in order per aggregate, to consumers that record each event id in
// their own schema (an Inbox) in the transaction of the event's effect, so a
// redelivery changes nothing.
//
// The producer's schema holds two tables (the producer's own migrations
// create them; see the orders context's for their exact shape):
//
//   - <schema>.outbox_events: one row per event — id (UUIDv7), aggregate_id,
//     position (1, 2, ... within the aggregate), type, version, payload
//     (JSON), created_at;
//   - <schema>.outbox_deliveries: one row per event and consumer — attempts,
//     next_at, last_error, parked_at, delivered_at.
//
// Publish writes both in the transaction of the change the event reports
// and wakes the relays with pg_notify, which PostgreSQL sends only when that
// transaction commits: no event without its change, no change without its
// event, and delivery starts milliseconds after the commit. A relay (Run)
// listens for the wake-up and polls as a safety net; each round leases a
// batch of due deliveries of one consumer (FOR UPDATE SKIP LOCKED, so any
// number of relays — app instances — share the work without two holding one
// delivery), hands the batch to the consumer's handler, which applies it in
// one statement, and records the outcomes; one consumer's failures or
// slowness never hold up another's, and a relay that dies leaves its lease
// to run out.
// A delivery is due only when every earlier event of its aggregate has been
// delivered to that consumer: order per aggregate holds across relays and
// retries. A failing handler is retried with backoff; after MaxAttempts the
// delivery is parked with its error (Parked, Retry). Delivered events are
// deleted after Retention.
//
// Events are each side's own structs: the producer declares the type it
// publishes under a name (Declare), a consumer subscribes with its own type
// (Subscribe), and Verify checks at start-up, by the broker's rules, that the
// consumer's fields map from the producer's — the payload is the producer's
// struct as JSON, which the consumer decodes into its own.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune an Outbox; the zero value is production's defaults.
type Options struct {
	// MaxAttempts is how many times a delivery is tried before it is
	// parked; 0 means 10.
	MaxAttempts int
	// Backoff is how long to wait after the attempt-th failed attempt (1,
	// 2, ...); nil means DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// PollInterval is how often a relay looks for due deliveries when no
	// commit woke it (retries that came due, a lost notification); 0 means
	// 1 s.
	PollInterval time.Duration
	// BatchSize is the most deliveries a relay claims in one round; 0
	// means 100.
	BatchSize int
	// Relays is how many relays Run runs per consumer: while one hands a
	// batch to the consumer, another claims the events committed
	// meanwhile, so a slow effect does not hold back the next batch's
	// start, at the price of more claims that find nothing. 0 means 1.
	Relays int
	// Lease is how long a relay may take over a claimed delivery before
	// another relay may claim it again: how soon the deliveries of a relay
	// that died (kill -9, a lost machine) are made by the others. It must
	// be longer than a handler takes; 0 means 1 min.
	Lease time.Duration
	// Retention is how long a delivered event is kept before Clean deletes
	// it; 0 means 7 days.
	Retention time.Duration
	// Log receives the relays' errors; nil means slog.Default().
	Log *slog.Logger
}

// DefaultBackoff waits 1 s after the first failure and doubles each time up
// to an hour, with ±10 % jitter so that failed deliveries do not retry in
// lockstep: 1 s, 2 s, 4 s, ..., about 8.5 min at the tenth.
func DefaultBackoff(attempt int) time.Duration {
	d := time.Hour
	if attempt < 13 {
		d = time.Second << (attempt - 1)
	}
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

// An Event is one delivery of a published event to a consumer.
type Event struct {
	ID          uuid.UUID
	Type        string
	Version     int
	AggregateID uuid.UUID
	Payload     json.RawMessage // the producer's struct as JSON
	CreatedAt   time.Time
	Attempts    int // failed attempts before this one
}

// A Received is an event handed to a consumer, with its payload decoded into
// the consumer's own struct.
type Received[T any] struct {
	Event
	Payload T
}

// A handler applies the effects of events of one type, all or none: a
// consumer's function given to Subscribe, with the payloads decoded.
type handler func(ctx context.Context, events []Event) error

// An Outbox is one producer context's outbox: its tables, the event types it
// declares and the consumers that subscribe to them. Declare and Subscribe
// belong to wiring, before Verify, Publish and Run.
type Outbox struct {
	registry // the subscribers; its mu guards declared too
	pool     *pgxpool.Pool
	schema   string
	channel  string
	opts     Options
	declared map[string]declared // by event type
}

// registry holds the consumers of a Source and their handlers.
type registry struct {
	mu     sync.Mutex
	subs   map[string][]*subscriber // by event type
	byName map[string]*subscriber   // by consumer
}

func newRegistry() registry {
	return registry{subs: make(map[string][]*subscriber), byName: make(map[string]*subscriber)}
}

func (r *registry) consumers() *registry { return r }

// A Source is where a consumer's events come from, for Subscribe: the
// producer's Outbox when both contexts run in one process, or a Feed of the
// events that the app's bus brings from the producer's process. The
// consumer's code is the same for both.
type Source interface {
	consumers() *registry
}

var _, _ Source = (*Outbox)(nil), (*Feed)(nil)

type declared struct {
	version int
	typ     reflect.Type
}

type subscriber struct {
	consumer string
	types    map[string]reflect.Type // the consumer's struct, by event type
	handle   map[string]handler
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// New returns the outbox of the context that owns schema, over pool, whose
// database holds the schema's outbox tables.
func New(pool *pgxpool.Pool, schema string, opts Options) *Outbox {
	if !schemaName.MatchString(schema) {
		panic(fmt.Sprintf("outbox: schema %q is not a plain lower-case identifier", schema))
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.Relays <= 0 {
		opts.Relays = 1
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Retention <= 0 {
		opts.Retention = 7 * 24 * time.Hour
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Outbox{registry: newRegistry(), pool: pool, schema: schema, channel: schema + "_outbox", opts: opts,
		declared: make(map[string]declared)}
}

// Schema returns the schema whose tables o uses.
func (o *Outbox) Schema() string { return o.schema }

// Declare records that the producer publishes events of type name, at
// version, as values of T (a struct): Publish accepts only declared types,
// and Verify checks each subscriber's struct against T.
func Declare[T any](o *Outbox, name string, version int) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct || name == "" || version < 1 {
		panic(fmt.Sprintf("outbox: Declare[%v](%q, %d): want a struct, a name and a version from 1", t, name, version))
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.declared[name] = declared{version: version, typ: t}
}

// Subscribe makes consumer (a name unique in the whole application, such as
// "books.sales") a receiver of every event of type name published after
// this call, its payload decoded into the consumer's own struct T. A
// consumer may subscribe to several types; each delivery is tracked per
// consumer.
//
// h applies the effects of a batch of events of the type, at most one per
// aggregate (so their order does not matter), all or none, and idempotently
// by event id: it records each in its Inbox in the statement or transaction
// of the effects, since a delivery may be repeated after a crash. A batch
// lets h apply a hundred events in one statement, where one event at a time
// would cost a round trip or more each. When h fails on a batch of several,
// the relay hands it the events one at a time, so that only the events that
// fail alone count a failed attempt (or are parked); the others are
// delivered.
func Subscribe[T any](src Source, consumer, name string, h func(ctx context.Context, events []Received[T]) error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct || consumer == "" || name == "" {
		panic(fmt.Sprintf("outbox: Subscribe[%v](%q, %q): want a struct, a consumer and an event name", t, consumer, name))
	}
	src.consumers().add(consumer, name, t, func(ctx context.Context, events []Event) error {
		received := make([]Received[T], len(events))
		for i, e := range events {
			received[i].Event = e
			if err := json.Unmarshal(e.Payload, &received[i].Payload); err != nil {
				return fmt.Errorf("decode %s v%d (event %s) into %v: %w", e.Type, e.Version, e.ID, t, err)
			}
		}
		return h(ctx, received)
	})
}

// Declared returns the struct each declared event type's payload is, by
// type: what a consumer in another process is checked against.
func (o *Outbox) Declared() map[string]reflect.Type {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]reflect.Type, len(o.declared))
	for name, d := range o.declared {
		out[name] = d.typ
	}
	return out
}

// Forward makes consumer a receiver of every event type declared so far,
// handed to h undecoded: for the app's bus, which carries the events to
// consumers in other processes. h must be idempotent by event id like any
// handler (a delivery may be repeated).
func (o *Outbox) Forward(consumer string, h func(ctx context.Context, events []Event) error) {
	o.mu.Lock()
	types := make(map[string]reflect.Type, len(o.declared))
	for name, d := range o.declared {
		types[name] = d.typ
	}
	o.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(types)) {
		o.add(consumer, name, types[name], h)
	}
}

// add registers h as consumer's handler of events of type name, decoded
// into t.
func (r *registry) add(consumer, name string, t reflect.Type, h handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byName[consumer]
	if s == nil {
		s = &subscriber{consumer: consumer, types: make(map[string]reflect.Type), handle: make(map[string]handler)}
		r.byName[consumer] = s
	}
	if s.types[name] != nil {
		panic(fmt.Sprintf("outbox: %s subscribes to %q twice", consumer, name))
	}
	s.types[name] = t
	s.handle[name] = h
	r.subs[name] = append(r.subs[name], s)
}

// Verify checks that every subscription names a declared event type whose
// fields map to the subscriber's struct by the broker's rules (see
// broker.Mappable): a broken event contract stops start-up.
func (o *Outbox) Verify() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	var problems []error
	for _, consumer := range slices.Sorted(maps.Keys(o.byName)) {
		s := o.byName[consumer]
		for _, name := range slices.Sorted(maps.Keys(s.types)) {
			d, ok := o.declared[name]
			if !ok {
				problems = append(problems, fmt.Errorf("outbox: %s subscribes to %q, which %s does not publish", consumer, name, o.schema))
				continue
			}
			if err := broker.Mappable(name, "event", d.typ, s.types[name]); err != nil {
				problems = append(problems, fmt.Errorf("outbox: %s: %w", consumer, err))
			}
		}
	}
	return errors.Join(problems...)
}

// Publish writes an event of type name (declared) about aggregate, with
// payload (a value of the declared struct), in tx — the transaction of the
// change it reports — with one delivery per subscribed consumer, and wakes
// the relays when tx commits. It is one statement.
//
// The event's position in its aggregate is one after the aggregate's last:
// the caller must hold the aggregate's row lock in tx (as every write of an
// aggregate does), or two concurrent events of one aggregate would claim the
// same position and the second would fail on the unique key.
func (o *Outbox) Publish(ctx context.Context, tx pgx.Tx, aggregate uuid.UUID, name string, payload any) error {
	batch := &pgx.Batch{}
	if err := o.Queue(batch, aggregate, name, payload); err != nil {
		return err
	}
	return pgtx.Wrap("outbox: publish "+name, tx.SendBatch(ctx, batch).Close())
}

// Queue is Publish for a caller that writes its change with statements of
// its own: it adds the event's statement to batch, which the caller sends in
// the change's transaction (tx.SendBatch), so that the change and its event
// cost one round trip. What Publish says of tx holds for that transaction.
func (o *Outbox) Queue(batch *pgx.Batch, aggregate uuid.UUID, name string, payload any) error {
	o.mu.Lock()
	d, ok := o.declared[name]
	var consumers []string
	for _, s := range o.subs[name] {
		consumers = append(consumers, s.consumer)
	}
	o.mu.Unlock()
	if !ok {
		return fmt.Errorf("outbox: publish %q: not declared", name)
	}
	if t := reflect.TypeOf(payload); t != d.typ {
		return fmt.Errorf("outbox: publish %q: payload is %v, declared %v", name, t, d.typ)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox: publish %q: %w", name, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("outbox: publish %q: %w", name, err)
	}
	// One round trip: the event, its deliveries (none when nobody
	// subscribes: the event is still kept, for the record and for
	// consumers added later to read by hand), and the notification, which
	// PostgreSQL queues until the commit and sends once per transaction
	// and channel.
	batch.Queue(`
		WITH e AS (
			INSERT INTO `+o.schema+`.outbox_events (id, aggregate_id, position, type, version, payload, created_at)
			SELECT $1, $2, coalesce(max(position), 0) + 1, $3, $4, $5, now()
			FROM `+o.schema+`.outbox_events WHERE aggregate_id = $2
			RETURNING id
		)
		INSERT INTO `+o.schema+`.outbox_deliveries (event_id, consumer, next_at)
		SELECT e.id, c.consumer, now()
		FROM e CROSS JOIN unnest($6::text[]) AS c(consumer) CROSS JOIN (SELECT pg_notify($7, '')) AS n`,
		id, aggregate, name, d.version, body, consumers, o.channel)
	return nil
}

// Run relays events to the subscribed consumers until ctx is done: one
// goroutine per consumer, woken by the commits of Publish (LISTEN) and every
// PollInterval, and a cleaner that deletes delivered events older than
// Retention every hour. It returns nil when ctx is done. Errors (an outage,
// a failing handler) are logged and retried; they never stop it.
func (o *Outbox) Run(ctx context.Context) error {
	o.mu.Lock()
	subs := make([]*subscriber, 0, len(o.byName))
	for _, s := range o.byName {
		subs = append(subs, s)
	}
	o.mu.Unlock()
	var (
		wakes []chan struct{}
		wg    sync.WaitGroup
	)
	for _, s := range subs {
		for range o.opts.Relays {
			wake := make(chan struct{}, 1)
			wakes = append(wakes, wake)
			wg.Go(func() { o.relay(ctx, s, wake) })
		}
	}
	wg.Go(func() { o.listen(ctx, wakes) })
	wg.Go(func() { o.cleanEvery(ctx, time.Hour) })
	wg.Wait()
	return nil
}

// listen wakes every relay on each notification of the outbox's channel, on
// a connection of its own, reconnecting after an outage.
func (o *Outbox) listen(ctx context.Context, wakes []chan struct{}) {
	wakeAll := func() {
		for _, w := range wakes {
			select {
			case w <- struct{}{}:
			default: // already awake
			}
		}
	}
	for ctx.Err() == nil {
		err := func() error {
			pooled, err := o.pool.Acquire(ctx)
			if err != nil {
				return err
			}
			// The listening connection leaves the pool for good (a
			// connection that listens must not serve others), and is
			// closed when listening ends.
			conn := pooled.Hijack()
			defer conn.Close(context.WithoutCancel(ctx))
			if _, err := conn.Exec(ctx, "LISTEN "+o.channel); err != nil {
				return err
			}
			wakeAll() // events committed while no one listened
			for {
				if _, err := conn.WaitForNotification(ctx); err != nil {
					return err
				}
				wakeAll()
			}
		}()
		if ctx.Err() != nil {
			return
		}
		o.opts.Log.Warn("outbox: listening for commits failed; relays poll until it is back",
			slog.String("schema", o.schema), slog.Any("err", err))
		sleep(ctx, o.opts.PollInterval)
	}
}

// relay delivers s's events round after round: at once while rounds come
// back full or deliver an event whose successor in its aggregate is waiting
// for it, otherwise when woken or after PollInterval.
func (o *Outbox) relay(ctx context.Context, s *subscriber, wake <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-timer.C:
		}
		for ctx.Err() == nil {
			_, again, err := o.deliver(ctx, s)
			if err != nil {
				if ctx.Err() == nil {
					o.opts.Log.Warn("outbox: relay round failed", slog.String("schema", o.schema),
						slog.String("consumer", s.consumer), slog.Any("err", err))
				}
				break
			}
			if !again {
				break
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(o.opts.PollInterval)
	}
}

// outcome is how one claimed delivery went.
type outcome struct {
	id  uuid.UUID
	err error
}

// deliver claims up to BatchSize due deliveries of s, hands them to s's
// handler (a batch per event type), and records each outcome.
//
// An event is due only when the one before it in its aggregate (position
// minus one) has been delivered to the consumer, or has no delivery for it
// (published before the consumer subscribed, or delivered and cleaned):
// that one was itself due only after its predecessor, so every earlier
// event has been delivered. The first event of an aggregate needs no check;
// a later one costs an equality on the unique key (aggregate_id, position)
// and one on the delivery's primary key. Both are scalar subqueries, which
// PostgreSQL runs per candidate in the pending index's order, so a claim
// reads about BatchSize candidates however long the backlog: written as NOT
// EXISTS, the planner turned the check into an anti-join over the whole
// backlog and sorted it, and a claim grew slower as the backlog grew.
//
// The claim is a lease, not a lock held while the handlers run: one short
// transaction picks the due rows (FOR UPDATE SKIP LOCKED, so concurrent
// relays pick different ones) and moves their next_at Options.Lease ahead; the
// handlers then run with no connection of the relay's held, so handlers that
// need connections of the same pool cannot starve it; a second short
// transaction records the outcomes. A relay that dies in between leaves its
// rows to come due again when the lease ends, and they are delivered again
// (the consumer's inbox makes that harmless).
func (o *Outbox) deliver(ctx context.Context, s *subscriber) (n int, again bool, err error) {
	var followed bool // an event claimed has a successor in its aggregate
	events, err := pgtx.Read(ctx, o.pool, func() ([]Event, error) {
		rows, err := o.pool.Query(ctx, `
			WITH claimed AS (
				SELECT d.event_id
				FROM `+o.schema+`.outbox_deliveries d
				JOIN `+o.schema+`.outbox_events e ON e.id = d.event_id
				WHERE d.consumer = $1 AND d.delivered_at IS NULL AND d.parked_at IS NULL AND d.next_at <= now()
				  AND (e.position = 1 OR (
					SELECT pd.delivered_at IS NULL FROM `+o.schema+`.outbox_deliveries pd
					WHERE pd.consumer = d.consumer
					  AND pd.event_id = (SELECT p.id FROM `+o.schema+`.outbox_events p
					                     WHERE p.aggregate_id = e.aggregate_id AND p.position = e.position - 1)
				  ) IS NOT TRUE)
				ORDER BY d.event_id
				LIMIT `+fmt.Sprint(o.opts.BatchSize)+`
				FOR UPDATE OF d SKIP LOCKED
			)
			UPDATE `+o.schema+`.outbox_deliveries d SET next_at = now() + $2 * interval '1 microsecond'
			FROM claimed c, `+o.schema+`.outbox_events e
			WHERE d.consumer = $1 AND d.event_id = c.event_id AND e.id = c.event_id
			RETURNING e.id, e.type, e.version, e.aggregate_id, e.payload, e.created_at, d.attempts,
				EXISTS (SELECT 1 FROM `+o.schema+`.outbox_events n WHERE n.aggregate_id = e.aggregate_id AND n.position = e.position + 1)`,
			s.consumer, o.opts.Lease.Microseconds())
		if err != nil {
			return nil, err
		}
		followed = false
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
			var (
				e    Event
				next bool
			)
			err := r.Scan(&e.ID, &e.Type, &e.Version, &e.AggregateID, &e.Payload, &e.CreatedAt, &e.Attempts, &next)
			followed = followed || next
			return e, err
		})
	})
	if err != nil || len(events) == 0 {
		return 0, false, pgtx.Wrap("outbox: claim deliveries for "+s.consumer, err)
	}
	outcomes := s.handleAll(ctx, o.opts.Log, events)
	// The outcomes are recorded even when ctx ended meanwhile (a stop):
	// what was delivered need not be delivered again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// Every outcome in one statement: delivered, failed (a count, a
	// backoff, parked after the last attempt) or retried at once.
	var (
		ids      = make([]uuid.UUID, len(events))
		ok, park = make([]bool, len(events)), make([]bool, len(events))
		attempts = make([]int32, len(events))
		failures = make([]string, len(events))
		delays   = make([]int64, len(events))
	)
	for i, out := range outcomes {
		ids[i], attempts[i] = out.id, int32(events[i].Attempts)
		switch {
		case out.err == nil:
			ok[i] = true
		case pgtx.Retryable(out.err):
			// A deadlock or a serialization failure in the handler's own
			// statement: a retry cures it (pgtx.Run would have retried it
			// at once), so it is not counted against the delivery and does
			// not wait for a backoff.
			failures[i] = out.err.Error()
		default:
			attempt := events[i].Attempts + 1
			attempts[i], park[i] = int32(attempt), attempt >= o.opts.MaxAttempts
			failures[i], delays[i] = truncate(out.err.Error(), 2000), o.opts.Backoff(attempt).Microseconds()
			level, msg := slog.LevelWarn, "outbox: delivery failed; will retry"
			if park[i] {
				level, msg = slog.LevelError, "outbox: delivery parked"
			}
			o.opts.Log.Log(ctx, level, msg, slog.String("consumer", s.consumer), slog.String("event", out.id.String()),
				slog.String("type", events[i].Type), slog.Int("attempt", attempt), slog.Any("err", out.err))
		}
	}
	_, err = o.pool.Exec(rctx, `
		UPDATE `+o.schema+`.outbox_deliveries d
		SET delivered_at = CASE WHEN x.ok THEN now() END,
		    attempts = x.attempts,
		    last_error = CASE WHEN x.ok THEN d.last_error ELSE x.failure END,
		    next_at = CASE WHEN x.ok THEN d.next_at ELSE now() + x.delay * interval '1 microsecond' END,
		    parked_at = CASE WHEN x.park THEN now() END
		FROM unnest($2::uuid[], $3::boolean[], $4::integer[], $5::text[], $6::bigint[], $7::boolean[])
		     AS x (event_id, ok, attempts, failure, delay, park)
		WHERE d.consumer = $1 AND d.event_id = x.event_id AND d.delivered_at IS NULL`,
		s.consumer, ids, ok, attempts, failures, delays, park)
	// Another round at once when this one was full, or when an event it
	// delivered has a successor in its aggregate, which is due now (its
	// commit's wake-up may have come while it was still waiting).
	again = len(events) == o.opts.BatchSize || followed
	return len(events), again, pgtx.Wrap("outbox: record deliveries to "+s.consumer, err)
}

// handleAll hands the events to s's handlers, one batch per event
// type, and returns the outcomes in the events' order. A batch that fails
// is handed over again one event at a time, so each event gets its own
// outcome. A panic is an error of the batch or event it happened in.
func (s *subscriber) handleAll(ctx context.Context, log *slog.Logger, events []Event) []outcome {
	outcomes := make([]outcome, len(events))
	byType := make(map[string][]int)
	var types []string
	for i, e := range events {
		outcomes[i].id = e.ID
		if byType[e.Type] == nil {
			types = append(types, e.Type)
		}
		byType[e.Type] = append(byType[e.Type], i)
	}
	for _, typ := range types {
		batch := make([]Event, len(byType[typ]))
		for j, i := range byType[typ] {
			batch[j] = events[i]
		}
		err := s.handleType(ctx, log, typ, batch)
		if err == nil || len(batch) == 1 {
			for _, i := range byType[typ] {
				outcomes[i].err = err
			}
			continue
		}
		for j, i := range byType[typ] {
			outcomes[i].err = s.handleType(ctx, log, typ, batch[j:j+1])
		}
	}
	return outcomes
}

func (s *subscriber) handleType(ctx context.Context, log *slog.Logger, typ string, events []Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("outbox: handler panicked", slog.String("consumer", s.consumer), slog.String("type", typ),
				slog.Int("events", len(events)), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("handler panicked: %v", v)
		}
	}()
	h := s.handle[typ]
	if h == nil {
		return fmt.Errorf("%s has no handler for %q", s.consumer, typ)
	}
	return h(ctx, events)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
