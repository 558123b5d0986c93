package outbox

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"reflect"
	"slices"

	"github.com/google/uuid"
)

// A Feed is the Source of consumers whose producer runs in another process:
// the app's bus receives the producer's events (which the producer's Outbox
// forwarded, see Forward) and hands them to Handle, in the order the
// producer published them. Subscribe on a Feed as on an Outbox.
type Feed struct {
	registry
	producer string
	log      *slog.Logger
}

// NewFeed returns an empty Feed of the events of producer (its schema,
// "orders"); log receives the handlers' panics.
func NewFeed(producer string, log *slog.Logger) *Feed {
	if log == nil {
		log = slog.Default()
	}
	return &Feed{registry: newRegistry(), producer: producer, log: log}
}

// Producer returns the schema of the producer whose events f carries.
func (f *Feed) Producer() string { return f.producer }

// Consumers returns the consumers subscribed to f, sorted.
func (f *Feed) Consumers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.byName))
}

// Subscribed returns the struct consumer decodes each event type it
// subscribes to into, by type: what is checked against the producer's.
func (f *Feed) Subscribed(consumer string) map[string]reflect.Type {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.byName[consumer]; s != nil {
		return maps.Clone(s.types)
	}
	return nil
}

// Types returns the event types consumer subscribes to, sorted.
func (f *Feed) Types(consumer string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.byName[consumer]; s != nil {
		return slices.Sorted(maps.Keys(s.types))
	}
	return nil
}

// ErrNotTried is the outcome Handle gives an event it did not hand over,
// because an earlier event failed: it must come again after that one.
var ErrNotTried = errors.New("outbox: not tried, an earlier event failed")

// Handle hands events, in the producer's order, to consumer's handlers and
// returns each one's outcome: nil when its effect is applied. It hands them
// in waves with at most one event per aggregate, each wave as the relay
// hands a batch (one call per type, then one event at a time if that
// fails), and stops at the first wave with a failure: the events of later
// waves get ErrNotTried, so that no event is applied before one published
// before it. An event of a type consumer does not subscribe to is applied:
// there is nothing to do.
func (f *Feed) Handle(ctx context.Context, consumer string, events []Event) []error {
	out := make([]error, len(events))
	f.mu.Lock()
	s := f.byName[consumer]
	f.mu.Unlock()
	if s == nil {
		return out
	}
	failed := false
	for start := 0; start < len(events); {
		if failed {
			out[start] = ErrNotTried
			start++
			continue
		}
		// The wave: events up to the first whose aggregate is already in it.
		var (
			wave  []Event
			index []int
			seen  = make(map[uuid.UUID]bool)
		)
		end := start
		for ; end < len(events) && !seen[events[end].AggregateID]; end++ {
			seen[events[end].AggregateID] = true
			if s.handle[events[end].Type] != nil {
				wave, index = append(wave, events[end]), append(index, end)
			}
		}
		for j, o := range s.handleAll(ctx, f.log, wave) {
			out[index[j]] = o.err
			failed = failed || o.err != nil
		}
		start = end
	}
	return out
}
