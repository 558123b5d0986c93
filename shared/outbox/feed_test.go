package outbox_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"example.com/bookapp/shared/outbox"
)

// A Feed hands events in waves of one per aggregate, a batch per type, and
// applies nothing after the first wave with a failure.
func TestFeedHandsEventsInOrder(t *testing.T) {
	type change struct{ N int }
	feed := outbox.NewFeed("shop", nil)
	var calls []string
	record := func(kind string) func(context.Context, []outbox.Received[change]) error {
		return func(_ context.Context, events []outbox.Received[change]) error {
			var ns []string
			for _, e := range events {
				if e.Payload.N == 13 {
					return errors.New("unlucky")
				}
				ns = append(ns, strings.Repeat("i", e.Payload.N))
			}
			calls = append(calls, kind+":"+strings.Join(ns, ","))
			return nil
		}
	}
	outbox.Subscribe(feed, "test.c", "shop.placed", record("placed"))
	outbox.Subscribe(feed, "test.c", "shop.cancelled", record("cancelled"))
	if got := feed.Consumers(); len(got) != 1 || got[0] != "test.c" {
		t.Fatalf("Consumers = %v", got)
	}
	a, b := uuid.New(), uuid.New()
	ev := func(agg uuid.UUID, typ string, n int) outbox.Event {
		return outbox.Event{ID: uuid.New(), AggregateID: agg, Type: typ, Version: 1, Payload: []byte(`{"N":` + strconv.Itoa(n) + `}`)}
	}
	events := []outbox.Event{
		ev(a, "shop.placed", 1), ev(b, "shop.placed", 2), // wave 1
		ev(a, "shop.cancelled", 3), // wave 2: a again
		ev(b, "shop.other", 4),     // no handler: applied
		ev(a, "shop.placed", 13),   // wave 3: fails
		ev(b, "shop.cancelled", 5), // same wave, applied
		ev(a, "shop.cancelled", 6), // wave 4: not tried
	}
	out := feed.Handle(context.Background(), "test.c", events)
	if got, want := strings.Join(calls, " "), "placed:i,ii cancelled:iii cancelled:iiiii"; got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
	for i, want := range []string{"", "", "", "", "unlucky", "", outbox.ErrNotTried.Error()} {
		got := ""
		if out[i] != nil {
			got = out[i].Error()
		}
		if got != want {
			t.Errorf("outcome %d = %q, want %q", i, got, want)
		}
	}
}
