package outbox_test

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/outbox"
	"example.com/bookapp/shared/pgtx"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { testdb.Main(m) }

//go:embed testdata/shop/*.sql testdata/sink/*.sql
var fixtures embed.FS

// The producer's event and the consumer's own view of it.
type (
	thingChanged struct {
		Seq  int
		Name string
	}
	sinkEvent struct{ Seq int }
)

const changed = "shop.thing-changed"

func newDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return testdb.New(t, migrate.MustSource("shop", fixtures, "testdata/shop"), migrate.MustSource("sink", fixtures, "testdata/sink"))
}

// fast are options for tests: retries and polls in milliseconds.
func fast(maxAttempts int) outbox.Options {
	return outbox.Options{MaxAttempts: maxAttempts, Backoff: func(int) time.Duration { return 10 * time.Millisecond },
		PollInterval: 20 * time.Millisecond, Log: quiet}
}

// quiet drops the relays' logs: the tests fail handlers on purpose.
var quiet = slog.New(slog.DiscardHandler)

func newOutbox(pool *pgxpool.Pool, opts outbox.Options) *outbox.Outbox {
	o := outbox.New(pool, "shop", opts)
	outbox.Declare[thingChanged](o, changed, 1)
	return o
}

// apply is a consumer's effect: it counts the events of each aggregate in
// sink.effects, noting one that comes out of order, and records the events
// in the inbox, a batch in one statement (see outbox.Inbox). calls counts
// the events it was handed.
func apply(pool *pgxpool.Pool, consumer string, calls *atomic.Int64) func(context.Context, []outbox.Received[sinkEvent]) error {
	return func(ctx context.Context, events []outbox.Received[sinkEvent]) error {
		if calls != nil {
			calls.Add(int64(len(events)))
		}
		ids, aggregates, seqs := make([]uuid.UUID, len(events)), make([]uuid.UUID, len(events)), make([]int32, len(events))
		for i, e := range events {
			ids[i], aggregates[i], seqs[i] = e.ID, e.AggregateID, int32(e.Payload.Seq)
		}
		_, err := pool.Exec(ctx, `
			WITH first AS (
				INSERT INTO sink.inbox (consumer, event_id, received_at)
				SELECT $1, unnest($2::uuid[]), now()
				ON CONFLICT (consumer, event_id) DO NOTHING
				RETURNING event_id
			)
			INSERT INTO sink.effects AS f (consumer, aggregate_id, applied, last_seq, out_of_order)
			SELECT $1, l.aggregate_id, 1, l.seq, l.seq <> 1
			FROM unnest($2::uuid[], $3::uuid[], $4::integer[]) AS l (event_id, aggregate_id, seq)
			JOIN first USING (event_id)
			ON CONFLICT (consumer, aggregate_id) DO UPDATE
			SET applied = f.applied + 1, last_seq = excluded.last_seq,
			    out_of_order = f.out_of_order OR excluded.last_seq <> f.last_seq + 1`,
			consumer, ids, aggregates, seqs)
		return err
	}
}

// publish publishes perAggregate events (Seq 1, 2, ...) for each of
// aggregates, a transaction per aggregate.
func publish(t testing.TB, pool *pgxpool.Pool, o *outbox.Outbox, aggregates []uuid.UUID, perAggregate int) {
	t.Helper()
	for _, a := range aggregates {
		err := pgtx.Run(t.Context(), pool, func(tx pgx.Tx) error {
			for seq := 1; seq <= perAggregate; seq++ {
				if err := o.Publish(t.Context(), tx, a, changed, thingChanged{Seq: seq, Name: "thing"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func ids(n int) []uuid.UUID {
	out := make([]uuid.UUID, n)
	for i := range out {
		out[i] = uuid.Must(uuid.NewV7())
	}
	return out
}

func count(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: still waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func run(t *testing.T, o *outbox.Outbox) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return 10 s after its context was cancelled")
		}
	})
}

func TestPublishCommitsOrRollsBackWithTheChange(t *testing.T) {
	pool := newDB(t)
	o := newOutbox(pool, fast(3))
	outbox.Subscribe(o, "sink.a", changed, apply(pool, "sink.a", nil))
	outbox.Subscribe(o, "sink.b", changed, apply(pool, "sink.b", nil))
	thing := uuid.Must(uuid.NewV7())
	change := func(tx pgx.Tx) error {
		if _, err := tx.Exec(t.Context(), `INSERT INTO shop.things (id, name) VALUES ($1, 'one')`, thing); err != nil {
			return err
		}
		return o.Publish(t.Context(), tx, thing, changed, thingChanged{Seq: 1, Name: "one"})
	}
	// The change, its event, then an insert that fails: neither is kept.
	err := pgtx.Run(t.Context(), pool, func(tx pgx.Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		_, err := tx.Exec(t.Context(), `INSERT INTO shop.things (id, name) VALUES ($1, 'again')`, thing)
		return err
	})
	if err == nil {
		t.Fatal("the duplicate insert did not fail")
	}
	if n := count(t, pool, `SELECT count(*) FROM shop.things`) + count(t, pool, `SELECT count(*) FROM shop.outbox_events`) +
		count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries`); n != 0 {
		t.Fatalf("after the rollback, %d rows of things, events and deliveries; want 0", n)
	}
	if err := pgtx.Run(t.Context(), pool, change); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM shop.things`); n != 1 {
		t.Errorf("%d things after the commit, want 1", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM shop.outbox_events WHERE aggregate_id = $1 AND position = 1 AND type = $2 AND version = 1
		AND payload = '{"Seq": 1, "Name": "one"}'`, thing, changed); n != 1 {
		t.Errorf("%d events as published after the commit, want 1", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE delivered_at IS NULL AND attempts = 0`); n != 2 {
		t.Errorf("%d pending deliveries after the commit, want 2 (one per consumer)", n)
	}
	// Publishing needs a declared type and the declared struct.
	err = pgtx.Run(t.Context(), pool, func(tx pgx.Tx) error {
		return o.Publish(t.Context(), tx, thing, changed, sinkEvent{Seq: 2})
	})
	if err == nil || !strings.Contains(err.Error(), "declared outbox_test.thingChanged") {
		t.Errorf("publishing another struct: %v, want an error naming the declared type", err)
	}
}

func TestEightRelaysApplyEveryEventOnceInOrder(t *testing.T) {
	pool := newDB(t)
	const aggregates, perAggregate = 1000, 10 // 10,000 events
	var calls atomic.Int64
	relays := make([]*outbox.Outbox, 8)
	for i := range relays {
		relays[i] = newOutbox(pool, outbox.Options{Log: quiet})
		outbox.Subscribe(relays[i], "sink.counter", changed, apply(pool, "sink.counter", &calls))
	}
	// Half the events exist before the relays start, half are published
	// while they run.
	as := ids(aggregates)
	publish(t, pool, relays[0], as[:aggregates/2], perAggregate)
	for _, r := range relays {
		run(t, r)
	}
	publish(t, pool, relays[0], as[aggregates/2:], perAggregate)
	waitFor(t, "every delivery", 2*time.Minute, func() bool {
		return count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE delivered_at IS NULL`) == 0
	})
	if n := count(t, pool, `SELECT coalesce(sum(applied), 0) FROM sink.effects`); n != aggregates*perAggregate {
		t.Errorf("%d effects applied, want %d", n, aggregates*perAggregate)
	}
	if n := count(t, pool, `SELECT count(*) FROM sink.effects WHERE applied = $1 AND last_seq = $1 AND NOT out_of_order`, perAggregate); n != aggregates {
		t.Errorf("%d aggregates with all their events, in order; want %d", n, aggregates)
	}
	if n := calls.Load(); n != aggregates*perAggregate {
		t.Errorf("the handler ran %d times, want %d: a delivery was handed out twice", n, aggregates*perAggregate)
	}
}

func TestFailingConsumersRetryParkAndDoNotHoldUpOthers(t *testing.T) {
	pool := newDB(t)
	o := newOutbox(pool, fast(4))
	var broken atomic.Bool
	broken.Store(true)
	steady := apply(pool, "sink.steady", nil)
	outbox.Subscribe(o, "sink.steady", changed, steady)
	flakyApply := apply(pool, "sink.flaky", nil)
	outbox.Subscribe(o, "sink.flaky", changed, func(ctx context.Context, events []outbox.Received[sinkEvent]) error {
		for _, e := range events {
			if e.Attempts < 3 {
				return fmt.Errorf("flaky failure %d", e.Attempts+1)
			}
		}
		return flakyApply(ctx, events)
	})
	brokenApply := apply(pool, "sink.broken", nil)
	outbox.Subscribe(o, "sink.broken", changed, func(ctx context.Context, events []outbox.Received[sinkEvent]) error {
		if broken.Load() {
			panic("broken consumer")
		}
		return brokenApply(ctx, events)
	})
	a, b := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	publish(t, pool, o, []uuid.UUID{a}, 2)
	publish(t, pool, o, []uuid.UUID{b}, 1)
	run(t, o)

	delivered := func(consumer string) int {
		return count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE consumer = $1 AND delivered_at IS NOT NULL`, consumer)
	}
	waitFor(t, "steady and flaky to get all three, broken to park two", 30*time.Second, func() bool {
		return delivered("sink.steady") == 3 && delivered("sink.flaky") == 3 &&
			count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE consumer = 'sink.broken' AND parked_at IS NOT NULL`) == 2
	})
	if n := count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE consumer = 'sink.flaky' AND attempts = 3
		AND last_error = 'flaky failure 3' AND parked_at IS NULL`); n != 3 {
		t.Errorf("%d of flaky's deliveries record three failed attempts, want 3", n)
	}
	parked, err := o.Parked(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(parked) != 2 {
		t.Fatalf("parked: %+v, want two deliveries", parked)
	}
	for _, p := range parked {
		if p.Consumer != "sink.broken" || p.Attempts != 4 || !strings.Contains(p.LastError, "broken consumer") || p.ParkedAt.IsZero() {
			t.Errorf("parked %+v: want sink.broken after 4 attempts, with its panic", p)
		}
	}
	// a's second event waits behind the parked first one, never tried.
	if n := count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries d JOIN shop.outbox_events e ON e.id = d.event_id
		WHERE d.consumer = 'sink.broken' AND e.aggregate_id = $1 AND e.position = 2 AND d.attempts = 0 AND d.parked_at IS NULL`, a); n != 1 {
		t.Errorf("a's second event for broken: %d untried and pending, want 1", n)
	}
	stats, err := o.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []outbox.Stat{{Type: changed, Consumer: "sink.broken", Pending: 1, Parked: 2}, {Type: changed, Consumer: "sink.flaky"}, {Type: changed, Consumer: "sink.steady"}}
	if len(stats) == 3 && stats[0].Lag > 0 {
		stats[0].Lag = 0 // the age of a's second event: more than 0 is all that is known
	} else {
		t.Errorf("stats %+v: want three, the first with a lag", stats)
	}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}

	broken.Store(false)
	n, err := o.Retry(t.Context(), uuid.Nil, "sink.broken")
	if err != nil || n != 2 {
		t.Fatalf("Retry: %d, %v; want 2 deliveries unparked", n, err)
	}
	waitFor(t, "broken to get all three after the retry", 30*time.Second, func() bool { return delivered("sink.broken") == 3 })
	if n := count(t, pool, `SELECT count(*) FROM sink.effects WHERE NOT out_of_order AND applied = last_seq`); n != 6 {
		t.Errorf("%d of 6 (consumer, aggregate) effects complete and in order", n)
	}
	if n, err := o.Retry(t.Context(), uuid.Nil, ""); err != nil || n != 0 {
		t.Errorf("Retry with nothing parked: %d, %v; want 0", n, err)
	}
}

func TestCleanDeletesOnlyDeliveredEventsPastRetention(t *testing.T) {
	pool := newDB(t)
	opts := fast(1)
	opts.Retention = time.Millisecond
	o := newOutbox(pool, opts)
	outbox.Subscribe(o, "sink.steady", changed, apply(pool, "sink.steady", nil))
	outbox.Subscribe(o, "sink.broken", changed, func(context.Context, []outbox.Received[sinkEvent]) error { return errors.New("no") })
	run(t, o)
	// One event delivered to both consumers (broken's delivery marked by
	// hand), then one that broken parks.
	state := func(consumer, column string) int {
		return count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries WHERE consumer = $1 AND `+column+` IS NOT NULL`, consumer)
	}
	publish(t, pool, o, ids(1), 1)
	waitFor(t, "the first event delivered and parked", 10*time.Second, func() bool {
		return state("sink.steady", "delivered_at") == 1 && state("sink.broken", "parked_at") == 1
	})
	if _, err := pool.Exec(t.Context(), `UPDATE shop.outbox_deliveries SET delivered_at = now(), parked_at = NULL WHERE consumer = 'sink.broken'`); err != nil {
		t.Fatal(err)
	}
	publish(t, pool, o, ids(1), 1)
	waitFor(t, "the second event delivered and parked", 10*time.Second, func() bool {
		return state("sink.steady", "delivered_at") == 2 && state("sink.broken", "parked_at") == 1
	})
	time.Sleep(5 * time.Millisecond)
	n, err := o.Clean(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("Clean: %d, %v; want 1 event (delivered to both) deleted", n, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM shop.outbox_deliveries`); n != 2 {
		t.Errorf("%d deliveries left, want the parked event's 2", n)
	}
}

func TestVerifyChecksEverySubscriptionAgainstTheDeclaredType(t *testing.T) {
	pool := newDB(t)
	o := newOutbox(pool, outbox.Options{})
	outbox.Subscribe(o, "sink.ok", changed, func(context.Context, []outbox.Received[sinkEvent]) error { return nil })
	if err := o.Verify(); err != nil {
		t.Fatalf("Verify: %v, want nil", err)
	}
	type wrongSeq struct{ Seq string }
	outbox.Subscribe(o, "sink.wrong", changed, func(context.Context, []outbox.Received[wrongSeq]) error { return nil })
	outbox.Subscribe(o, "sink.lost", "shop.never-published", func(context.Context, []outbox.Received[sinkEvent]) error { return nil })
	err := o.Verify()
	for _, want := range []string{`sink.wrong`, `Seq: int vs string`, `sink.lost subscribes to "shop.never-published", which shop does not publish`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Verify: %v; want it to say %q", err, want)
		}
	}
}

func TestDeliveryStartsWithinMillisecondsOfTheCommit(t *testing.T) {
	pool := newDB(t)
	opts := outbox.Options{PollInterval: time.Hour, Log: quiet} // only the commit can wake the relay
	o := newOutbox(pool, opts)
	got := make(chan time.Time, 1)
	outbox.Subscribe(o, "sink.clock", changed, func(context.Context, []outbox.Received[sinkEvent]) error {
		got <- time.Now()
		return nil
	})
	run(t, o)
	time.Sleep(200 * time.Millisecond) // the relay's first round and LISTEN
	publish(t, pool, o, ids(1), 1)
	committed := time.Now()
	select {
	case at := <-got:
		if d := at.Sub(committed); d > 500*time.Millisecond {
			t.Errorf("delivered %s after the commit; want it woken by the commit, not by a poll", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("not delivered within 10 s of the commit, with polling off: the commit did not wake the relay")
	}
}
