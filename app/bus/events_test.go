package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"example.com/bookapp/devtools/natslocal"
	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/outbox"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// publish puts events on the stream of producer "shop" as ForwardEvents
// does: the event id as the message id, the rest in headers.
func publish(t *testing.T, js jetstream.JetStream, events ...outbox.Event) {
	t.Helper()
	for _, e := range events {
		m := nats.NewMsg(eventsPrefix + "shop." + e.Type)
		m.Data = e.Payload
		m.Header.Set(typeHeader, e.Type)
		m.Header.Set(versionHdr, strconv.Itoa(e.Version))
		m.Header.Set(aggHeader, e.AggregateID.String())
		m.Header.Set(createdHdr, time.Now().Format(time.RFC3339Nano))
		if _, err := js.PublishMsg(context.Background(), m, jetstream.WithMsgID(e.ID.String())); err != nil {
			t.Fatal(err)
		}
	}
}

// applied records, per aggregate, the order in which events were first
// applied; the handler fails each event listed in failOnce, once.
type applied struct {
	mu       sync.Mutex
	seen     map[uuid.UUID]bool
	order    map[uuid.UUID][]int
	failOnce map[int]bool
}

type change struct{ N int }

func (a *applied) handler(_ context.Context, events []outbox.Received[change]) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range events {
		if a.failOnce[e.Payload.N] {
			a.failOnce[e.Payload.N] = false
			return fmt.Errorf("event %d fails once", e.Payload.N)
		}
	}
	for _, e := range events {
		if !a.seen[e.ID] { // a redelivery changes nothing, as an inbox makes it
			a.seen[e.ID] = true
			a.order[e.AggregateID] = append(a.order[e.AggregateID], e.Payload.N)
		}
	}
	return nil
}

// Events reach the feed in order per aggregate, even when one fails and is
// retried while later ones wait, and with two instances reading.
func TestEventsAcrossProcessesKeepTheirOrder(t *testing.T) {
	url := natslocal.New(t).URL()
	pool := testdb.New(t)
	quietLog := slog.New(slog.DiscardHandler)
	a := &applied{seen: map[uuid.UUID]bool{}, order: map[uuid.UUID][]int{}, failOnce: map[int]bool{1: true}}

	ctx, cancel := context.WithCancel(context.Background())
	// The producer's process: it declares the payloads (which the readers
	// check theirs against); the test publishes the events itself.
	pb, err := Connect(ctx, url, "producer", time.Second, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	ob := outbox.New(pool, "shop", outbox.Options{Log: quietLog})
	outbox.Declare[change](ob, "shop.placed", 1)
	outbox.Declare[change](ob, "shop.cancelled", 1)
	if err := pb.ForwardEvents(ctx, ob); err != nil {
		t.Fatal(err)
	}
	js, err := pb.ensureStream(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	var (
		readers    sync.WaitGroup
		lastReader *EventReader
	)
	for i := range 2 { // two instances of the consumer's process
		b, err := Connect(ctx, url, fmt.Sprint("reader ", i), time.Second, quietLog)
		if err != nil {
			t.Fatal(err)
		}
		feed := outbox.NewFeed("shop", quietLog)
		outbox.Subscribe(feed, "test.changes", "shop.placed", a.handler)
		outbox.Subscribe(feed, "test.changes", "shop.cancelled", a.handler)
		r, err := b.NewEventReader(ctx, feed)
		if err != nil {
			t.Fatal(err)
		}
		readers.Go(func() { r.Run(ctx, pool) })
		defer b.Close()
		lastReader = r
	}
	defer func() { cancel(); readers.Wait() }()

	// Aggregate x: event 1 (fails once), then 2. Then 20 aggregates of
	// three events each.
	x := uuid.New()
	ev := func(agg uuid.UUID, typ string, n int) outbox.Event {
		return outbox.Event{ID: uuid.Must(uuid.NewV7()), AggregateID: agg, Type: typ, Version: 1, Payload: []byte(`{"N":` + strconv.Itoa(n) + `}`)}
	}
	publish(t, js, ev(x, "shop.placed", 1), ev(x, "shop.cancelled", 2))
	aggs := make([]uuid.UUID, 20)
	for i := range aggs {
		aggs[i] = uuid.New()
		publish(t, js, ev(aggs[i], "shop.placed", 10), ev(aggs[i], "shop.cancelled", 11), ev(aggs[i], "shop.placed", 12))
	}

	deadline := time.Now().Add(20 * time.Second)
	for {
		a.mu.Lock()
		done := len(a.order[x]) == 2
		for _, g := range aggs {
			done = done && len(a.order[g]) == 3
		}
		got := fmt.Sprint(a.order[x])
		a.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: aggregate x applied %s, want [1 2], and the others not all in", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, err := lastReader.Pending(ctx); err != nil || p["test.changes"] != 0 {
		t.Errorf("pending once all are applied: %v, %v, want 0", p, err)
	}
	if got := fmt.Sprint(a.order[x]); got != "[1 2]" {
		t.Errorf("aggregate x applied %s, want [1 2]: the failed event first", got)
	}
	for _, g := range aggs {
		if got := fmt.Sprint(a.order[g]); got != "[10 11 12]" {
			t.Errorf("an aggregate applied %s, want [10 11 12]", got)
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		t.Error("the readers stopped early")
	}
}

// A consumer in another process whose struct does not map from the
// producer's declared payload stops start-up, naming the field; one that
// maps starts.
func TestEventContractsAcrossProcesses(t *testing.T) {
	url := natslocal.New(t).URL()
	quietLog := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	producer, err := Connect(ctx, url, "producer", time.Second, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	ob := outbox.New(testdb.New(t), "shop", outbox.Options{Log: quietLog})
	type placed struct {
		OrderID uuid.UUID
		Copies  int
	}
	outbox.Declare[placed](ob, "shop.placed", 1)
	if err := producer.ForwardEvents(ctx, ob); err != nil {
		t.Fatal(err)
	}
	consumer, err := Connect(ctx, url, "consumer", time.Second, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()

	good := outbox.NewFeed("shop", quietLog)
	outbox.Subscribe(good, "test.good", "shop.placed", func(context.Context, []outbox.Received[struct{ Copies int }]) error { return nil })
	if _, err := consumer.NewEventReader(ctx, good); err != nil {
		t.Errorf("a consumer whose struct maps: %v", err)
	}
	bad := outbox.NewFeed("shop", quietLog)
	outbox.Subscribe(bad, "test.bad", "shop.placed", func(context.Context, []outbox.Received[struct{ Copies string }]) error { return nil })
	_, err = consumer.NewEventReader(ctx, bad)
	var me *broker.MappingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "Copies") {
		t.Errorf("a consumer reading Copies as a string: %v, want a mapping error naming Copies", err)
	}
	short, cancelShort := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelShort()
	none := outbox.NewFeed("shop", quietLog)
	outbox.Subscribe(none, "test.none", "shop.refunded", func(context.Context, []outbox.Received[struct{}]) error { return nil })
	if _, err := consumer.NewEventReader(short, none); err == nil || !strings.Contains(err.Error(), "shop.refunded") {
		t.Errorf("a type no process publishes: %v, want an error naming it", err)
	}
}
