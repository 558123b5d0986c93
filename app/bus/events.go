package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/outbox"
)

// Events between processes go over JetStream, one stream per producer
// ("BOOKAPP_EVENTS_ORDERS", subjects "bookapp.events.orders.<type>"):
//
//   - the producer's process forwards its outbox to the stream: the bus is
//     a consumer of the outbox (ForwardConsumer) whose effect is the
//     publication, acknowledged by JetStream, with the event id as the
//     message id (JetStream drops a repeat within its duplicate window; the
//     consumer's inbox, any later one). The outbox's relays, retries,
//     parking and order per aggregate carry it there.
//   - a consumer's process reads the stream with a durable JetStream
//     consumer per outbox consumer ("books_sales"), hands each batch to the
//     Feed the consumer subscribed to, and acknowledges an event only after
//     its handler returned, that is after the consumer's transaction
//     committed. A failed event is handed over again, with the events after
//     it, after a backoff, by the same reader, which reads nothing new
//     meanwhile (telling JetStream the events are in progress), so none is
//     applied before an earlier one. One instance of a consumer reads at a
//     time, under a PostgreSQL advisory lock in the consumer's database: the
//     others stand by.
const (
	// ForwardConsumer is the bus's name as a consumer of an outbox.
	ForwardConsumer = "bus.jetstream"

	eventsPrefix    = "bookapp.events."
	eventTypePrefix = "bookapp.event-type." // + the type: its payload's description
	typeHeader      = "Bookapp-Event-Type"
	versionHdr      = "Bookapp-Event-Version"
	aggHeader       = "Bookapp-Event-Aggregate"
	createdHdr      = "Bookapp-Event-Created-At"

	// ackWait is how long a delivered event may stay unacknowledged before
	// JetStream delivers it again: longer than a batch's effect takes. An
	// instance that takes over waits as long first, so that a dead
	// instance's events come back before any later one.
	ackWait = 10 * time.Second
	// retention is how long the stream keeps events: the outbox's default.
	retention = 7 * 24 * time.Hour
)

func streamName(producer string) string { return "BOOKAPP_EVENTS_" + strings.ToUpper(producer) }

// ensureStream creates the producer's stream, or updates it to this
// configuration; both sides call it, whichever starts first.
func (bus *Bus) ensureStream(ctx context.Context, producer string) (jetstream.JetStream, error) {
	js, err := jetstream.New(bus.nc)
	if err != nil {
		return nil, err
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       streamName(producer),
		Subjects:   []string{eventsPrefix + producer + ".>"},
		Storage:    jetstream.FileStorage,
		MaxAge:     retention,
		Duplicates: 2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: the stream of %s's events: %w", producer, err)
	}
	return js, nil
}

// ForwardEvents makes the bus a consumer of every event type ob declares,
// publishing each event to ob's stream. Call it at wiring time, after the
// producer declared its events and before ob's Verify and Run.
func (bus *Bus) ForwardEvents(ctx context.Context, ob *outbox.Outbox) error {
	js, err := bus.ensureStream(ctx, ob.Schema())
	if err != nil {
		return err
	}
	// The declared payloads, for consumers in other processes to check
	// theirs against at start-up (NewEventReader).
	for name, t := range ob.Declared() {
		if err := bus.answer(eventTypePrefix+name, func() (any, error) { return broker.Describe(t) }); err != nil {
			return err
		}
	}
	prefix := eventsPrefix + ob.Schema() + "."
	ob.Forward(ForwardConsumer, func(ctx context.Context, events []outbox.Event) error {
		acks := make([]jetstream.PubAckFuture, len(events))
		for i, e := range events {
			m := nats.NewMsg(prefix + e.Type)
			m.Data = e.Payload
			m.Header.Set(typeHeader, e.Type)
			m.Header.Set(versionHdr, strconv.Itoa(e.Version))
			m.Header.Set(aggHeader, e.AggregateID.String())
			m.Header.Set(createdHdr, e.CreatedAt.Format(time.RFC3339Nano))
			ack, err := js.PublishMsgAsync(m, jetstream.WithMsgID(e.ID.String()))
			if err != nil {
				return fmt.Errorf("bus: publish event %s: %w", e.ID, err)
			}
			acks[i] = ack
		}
		for i, a := range acks { // all of them, in order: a batch is all or none
			select {
			case <-a.Ok():
			case err := <-a.Err():
				return fmt.Errorf("bus: publish event %s: %w", events[i].ID, err)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	return nil
}

// An EventReader reads a producer's stream for the consumers of a Feed.
type EventReader struct {
	bus     *Bus
	feed    *outbox.Feed
	readers []reader
}

type reader struct {
	consumer string
	cons     jetstream.Consumer
}

// NewEventReader checks each consumer subscribed to feed against the
// payloads the producer's process declares (broker.Mappable, as in one
// process; it waits for that process until ctx is done), then creates (or
// updates) the producer's stream and a durable JetStream consumer for each
// consumer: at wiring time, after the subscriptions, so that a broken event
// contract or a JetStream that does not answer stops start-up.
func (bus *Bus) NewEventReader(ctx context.Context, feed *outbox.Feed) (*EventReader, error) {
	var problems []error
	for _, consumer := range feed.Consumers() {
		for name, t := range feed.Subscribed(consumer) {
			var desc broker.TypeDesc
			if err := bus.describeUntil(ctx, eventTypePrefix+name, &desc); err != nil {
				problems = append(problems, fmt.Errorf("bus: %s subscribes to %q, which no process publishes: %w", consumer, name, err))
				continue
			}
			published, err := desc.Type()
			if err == nil {
				err = broker.Mappable(name, "event", published, t)
			}
			if err != nil {
				problems = append(problems, fmt.Errorf("bus: %s: %w", consumer, err))
			}
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("the event contracts between processes do not hold: %w", err)
	}
	js, err := bus.ensureStream(ctx, feed.Producer())
	if err != nil {
		return nil, err
	}
	r := &EventReader{bus: bus, feed: feed}
	for _, consumer := range feed.Consumers() {
		var subjects []string
		for _, t := range feed.Types(consumer) {
			subjects = append(subjects, eventsPrefix+feed.Producer()+"."+t)
		}
		cons, err := js.CreateOrUpdateConsumer(ctx, streamName(feed.Producer()), jetstream.ConsumerConfig{
			Durable:        strings.NewReplacer(".", "_", "-", "_").Replace(consumer),
			FilterSubjects: subjects,
			AckPolicy:      jetstream.AckExplicitPolicy,
			AckWait:        ackWait,
			MaxDeliver:     -1, // an event is never dropped
			MaxAckPending:  batchSize,
		})
		if err != nil {
			return nil, fmt.Errorf("bus: the JetStream consumer of %s: %w", consumer, err)
		}
		r.readers = append(r.readers, reader{consumer, cons})
	}
	return r, nil
}

// Pending returns, by consumer, the events of the stream not yet
// acknowledged by it: not yet delivered, or delivered and being applied
// (or retried). For the metrics.
func (r *EventReader) Pending(ctx context.Context) (map[string]uint64, error) {
	out := make(map[string]uint64, len(r.readers))
	for _, rd := range r.readers {
		info, err := rd.cons.Info(ctx)
		if err != nil {
			return nil, err
		}
		out[rd.consumer] = info.NumPending + uint64(info.NumAckPending)
	}
	return out, nil
}

// Run reads, until ctx is done, each consumer's events and hands them to
// the feed; pool is the consumers' database, where the instances of one
// consumer take turns under an advisory lock. Errors (NATS or the database
// away) are logged and retried. It returns once every reader has stopped.
func (r *EventReader) Run(ctx context.Context, pool *pgxpool.Pool) {
	var wg sync.WaitGroup
	for _, rd := range r.readers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := r.bus.consume(ctx, r.feed, rd.consumer, rd.cons, pool); err != nil && ctx.Err() == nil {
					r.bus.log.Warn("bus: reading events failed; trying again", slog.String("consumer", rd.consumer), slog.Any("err", err))
					pause(ctx, time.Second)
				}
			}
		})
	}
	wg.Wait()
}

// batchSize is the most events a reader takes at once, as the outbox's
// relays do.
const batchSize = 100

// consume takes the consumer's lock and reads batches until ctx is done or
// something fails.
func (bus *Bus) consume(ctx context.Context, feed *outbox.Feed, consumer string, cons jetstream.Consumer, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The lock is the session's: it ends with the connection, so an
	// instance that dies lets another take over.
	defer conn.Release()
	key := "bookapp.events." + consumer
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtextextended($1, 0))", key); err != nil {
		return err
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
	}()
	// Events another instance took and did not acknowledge (it died) come
	// back once their ack wait has passed, before any later event: wait
	// that long before reading, or a later event could be applied first.
	if info, err := cons.Info(ctx); err != nil {
		return err
	} else if info.NumAckPending > 0 {
		bus.log.Info("bus: taking over events from another instance", slog.String("consumer", consumer),
			slog.Int("unacknowledged", info.NumAckPending), slog.Duration("wait", ackWait))
		pause(ctx, ackWait)
	}
	// One pull subscription for as long as the lock is held: it keeps up to
	// a batch of events on their way to this instance, so that an event
	// committed now reaches the handler without a request of its own.
	it, err := cons.Messages(jetstream.PullMaxMessages(batchSize))
	if err != nil {
		return err
	}
	defer it.Stop()
	for ctx.Err() == nil {
		first, err := it.Next(jetstream.NextMaxWait(time.Second))
		if errors.Is(err, nats.ErrTimeout) {
			continue
		}
		if err != nil {
			return err
		}
		// The batch: what has already arrived, up to batchSize.
		msgs := []jetstream.Msg{first}
		for len(msgs) < batchSize {
			m, err := it.Next(jetstream.NextMaxWait(100 * time.Microsecond))
			if err != nil {
				break
			}
			msgs = append(msgs, m)
		}
		// The lock is held as long as its session lives: a database that
		// restarted ended it, and another instance may hold it now.
		if err := conn.Ping(ctx); err != nil {
			return fmt.Errorf("the lock's connection: %w", err)
		}
		if err := bus.apply(ctx, feed, consumer, msgs); err != nil {
			return err
		}
	}
	return nil
}

// apply hands msgs to the feed and acknowledges each event once applied.
// When one fails, it and the ones after it are handed over again after a
// backoff, and again, until they are applied or ctx is done: no later event
// is read meanwhile, and JetStream is told they are in progress, so that it
// redelivers none of them elsewhere. A stop leaves them unacknowledged, to
// be delivered again first.
func (bus *Bus) apply(ctx context.Context, feed *outbox.Feed, consumer string, msgs []jetstream.Msg) error {
	events := make([]outbox.Event, len(msgs))
	for i, m := range msgs {
		e, err := eventOf(m)
		if err != nil {
			return err
		}
		events[i] = e
	}
	for attempt := 1; ; attempt++ {
		outcomes := feed.Handle(ctx, consumer, events)
		n := 0 // the events applied, from the first
		for n < len(outcomes) && outcomes[n] == nil {
			n++
		}
		if err := ack(ctx, msgs[:n]); err != nil {
			return err
		}
		if n == len(msgs) {
			return nil
		}
		msgs, events = msgs[n:], events[n:]
		delay := min(outbox.DefaultBackoff(attempt), time.Minute)
		bus.log.Warn("bus: an event failed; it and the ones after it are handed over again", slog.String("consumer", consumer),
			slog.String("event", events[0].ID.String()), slog.String("type", events[0].Type),
			slog.Int("attempt", attempt), slog.Duration("retry_in", delay), slog.Any("err", outcomes[n]))
		for wait := time.Now().Add(delay); time.Now().Before(wait); {
			for _, m := range msgs {
				if err := m.InProgress(); err != nil {
					return err
				}
			}
			if !pause(ctx, min(time.Until(wait), ackWait/2)) {
				return ctx.Err()
			}
		}
	}
}

// ack acknowledges msgs; the last one's is confirmed by the server, and with
// it the ones before, sent on the same connection.
func ack(ctx context.Context, msgs []jetstream.Msg) error {
	for i, m := range msgs {
		if i == len(msgs)-1 {
			return m.DoubleAck(ctx)
		}
		if err := m.Ack(); err != nil {
			return err
		}
	}
	return nil
}

// eventOf reads an event from its message.
func eventOf(m jetstream.Msg) (outbox.Event, error) {
	h := m.Headers()
	id, err := uuid.Parse(h.Get(nats.MsgIdHdr))
	if err != nil {
		return outbox.Event{}, fmt.Errorf("bus: a message without an event id: %w", err)
	}
	agg, err := uuid.Parse(h.Get(aggHeader))
	if err != nil {
		return outbox.Event{}, fmt.Errorf("bus: event %s without an aggregate: %w", id, err)
	}
	version, _ := strconv.Atoi(h.Get(versionHdr))
	created, _ := time.Parse(time.RFC3339Nano, h.Get(createdHdr))
	return outbox.Event{ID: id, Type: h.Get(typeHeader), Version: version, AggregateID: agg,
		Payload: m.Data(), CreatedAt: created}, nil
}

// pause waits d, or until ctx is done; it reports whether d passed.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
