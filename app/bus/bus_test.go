package bus_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/bookapp/app/bus"
	"example.com/bookapp/devtools/natslocal"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/errs"
)

var quiet = slog.New(slog.DiscardHandler)

// connect opens a Bus to url for the test: one per "process".
func connect(t *testing.T, url string) *bus.Bus {
	t.Helper()
	b, err := bus.Connect(context.Background(), url, t.Name(), 5*time.Second, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// The provider's types and the asker's, which differ but map.
type (
	titleReq struct{ IDs []int64 }
	titleRep struct {
		Titles []string
		Served string
	}
	askReq struct{ IDs []int64 }
	askRep struct{ Titles []string }
)

// provider starts a "process" that handles books.titles over the bus at url,
// answering as instance; hits counts its asks.
func provider(t *testing.T, url, instance string, hits *atomic.Int64) {
	t.Helper()
	b := broker.New()
	err := broker.Handle(b, "books.titles", func(ctx context.Context, r titleReq) (titleRep, error) {
		if hits != nil {
			hits.Add(1)
		}
		var titles []string
		for _, id := range r.IDs {
			switch {
			case id == 404:
				return titleRep{}, errs.New(errs.NotFound, "no book 404")
			case id == 400:
				return titleRep{}, errs.WithFields(errs.Invalid, map[string]string{"ids[0]": "must be positive"})
			case id == 422:
				return titleRep{}, fmt.Errorf("books: %w", errs.New(errs.RuleBroken, "book 422 is withdrawn"))
			case id == 500:
				return titleRep{}, errors.New("the disk is on fire")
			case id == 0:
				d, _ := ctx.Deadline()
				titles = append(titles, d.Format(time.RFC3339Nano))
				continue
			}
			titles = append(titles, fmt.Sprintf("book %d", id))
		}
		return titleRep{Titles: titles, Served: instance}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := connect(t, url).Serve(b); err != nil {
		t.Fatal(err)
	}
}

// asker returns a broker whose asks for books.titles go over the bus.
func asker(t *testing.T, url string) (*broker.Broker, *broker.Asker[askReq, askRep]) {
	t.Helper()
	b := broker.New(broker.WithRemote(connect(t, url)))
	return b, broker.Expect[askReq, askRep](b, "books.titles")
}

func TestAskAcrossProcesses(t *testing.T) {
	url := natslocal.New(t).URL()
	provider(t, url, "one", nil)
	b, titles := asker(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.VerifyContext(ctx); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	got, err := titles.Ask(ctx, askReq{IDs: []int64{1, 2}})
	if err != nil || strings.Join(got.Titles, ",") != "book 1,book 2" {
		t.Fatalf("Ask = %+v, %v, want book 1, book 2", got, err)
	}

	t.Run("errors keep their kind, message and fields", func(t *testing.T) {
		for _, c := range []struct {
			id      int64
			kind    error
			message string
		}{
			{404, errs.NotFound, "no book 404"},
			{400, errs.Invalid, "ids[0]: must be positive"},
			{422, errs.RuleBroken, "book 422 is withdrawn"},
			{500, nil, "the disk is on fire"},
		} {
			_, err := titles.Ask(ctx, askReq{IDs: []int64{c.id}})
			if err == nil || errs.KindOf(err) != c.kind || err.Error() != c.message {
				t.Errorf("book %d: %v (kind %v), want %q of kind %v", c.id, err, errs.KindOf(err), c.message, c.kind)
			}
		}
		_, err := titles.Ask(ctx, askReq{IDs: []int64{400}})
		if f := errs.FieldsOf(err); f["ids[0]"] != "must be positive" {
			t.Errorf("fields %v, want ids[0]: must be positive", f)
		}
	})

	t.Run("the deadline travels with the ask", func(t *testing.T) {
		want := time.Now().Add(3 * time.Second).Round(time.Millisecond)
		dctx, cancel := context.WithDeadline(ctx, want)
		defer cancel()
		got, err := titles.Ask(dctx, askReq{IDs: []int64{0}})
		if err != nil || len(got.Titles) != 1 {
			t.Fatalf("Ask = %+v, %v", got, err)
		}
		if seen, err := time.Parse(time.RFC3339Nano, got.Titles[0]); err != nil || !seen.Equal(want) {
			t.Errorf("the handler's deadline %s, want the asker's %s", got.Titles[0], want)
		}
	})
}

// With no process handling the name, an ask fails at once as unavailable,
// and Verify names what is missing when its wait is over.
func TestNoHandlerAnywhere(t *testing.T) {
	url := natslocal.New(t).URL()
	b, titles := asker(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := titles.Ask(ctx, askReq{IDs: []int64{1}})
	if !errors.Is(err, errs.Unavailable) || !strings.Contains(err.Error(), "no process handles it") {
		t.Errorf("Ask = %v, want unavailable: no process handles it", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the ask took %s, want it to fail at once", took)
	}
	vctx, vcancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer vcancel()
	if err := b.VerifyContext(vctx); !errors.Is(err, broker.ErrNoHandler) || !strings.Contains(err.Error(), "books.titles") {
		t.Errorf("Verify = %v, want ErrNoHandler naming books.titles", err)
	}
}

// Verify waits for a provider that starts later, and refuses types that do
// not map.
func TestVerifyAcrossProcesses(t *testing.T) {
	url := natslocal.New(t).URL()
	b, _ := asker(t, url)
	broker.Expect[struct{ IDs []string }, askRep](b, "books.titles")
	go func() {
		time.Sleep(300 * time.Millisecond)
		provider(t, url, "late", nil)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := b.VerifyContext(ctx)
	var me *broker.MappingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "IDs[]") {
		t.Fatalf("Verify = %v, want a mapping error on IDs[] (string vs int64)", err)
	}
}

// Two instances of a provider share the asks; when one goes away, the other
// takes them all, and nothing fails but what was in flight.
func TestInstancesShareAsks(t *testing.T) {
	url := natslocal.New(t).URL()
	var one, two atomic.Int64
	provider(t, url, "one", &one)
	// The second instance is a sub-test's, so that it can leave.
	var stopTwo func()
	{
		b := broker.New()
		if err := broker.Handle(b, "books.titles", func(_ context.Context, r titleReq) (titleRep, error) {
			two.Add(1)
			return titleRep{Titles: []string{"x"}, Served: "two"}, nil
		}); err != nil {
			t.Fatal(err)
		}
		bb, err := bus.Connect(context.Background(), url, "two", time.Second, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if err := bb.Serve(b); err != nil {
			t.Fatal(err)
		}
		stopTwo = bb.Close
	}
	_, titles := asker(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 200 {
		if _, err := titles.Ask(ctx, askReq{IDs: []int64{int64(i + 1)}}); err != nil {
			t.Fatalf("ask %d: %v", i, err)
		}
	}
	if one.Load() < 40 || two.Load() < 40 {
		t.Errorf("asks answered by one %d, by two %d, want both to share 200", one.Load(), two.Load())
	}
	stopTwo()
	before := one.Load()
	for i := range 50 {
		if _, err := titles.Ask(ctx, askReq{IDs: []int64{int64(i + 1)}}); err != nil {
			t.Fatalf("ask %d after instance two left: %v", i, err)
		}
	}
	if got := one.Load() - before; got != 50 {
		t.Errorf("instance one answered %d of the 50 asks after two left, want all", got)
	}
}

func TestConnectFailsWithinTheWait(t *testing.T) {
	start := time.Now()
	_, err := bus.Connect(context.Background(), "nats://user:secret@127.0.0.1:1", "x", 700*time.Millisecond, quiet)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 700ms") || strings.Contains(err.Error(), "secret") {
		t.Errorf("Connect = %v, want a clear error without the password", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Connect gave up after %s, want about the wait", took)
	}
}
