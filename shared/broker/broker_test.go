package broker_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/bookapp/shared/broker"
)

// The asker's and the handler's types for a lookup by ID.
type (
	askReq  struct{ ID int }
	askRep  struct{ Title string }
	handReq struct{ ID int64 }
	handRep struct {
		Title  string
		Author string
	}
)

func title(_ context.Context, req handReq) (handRep, error) {
	return handRep{Title: fmt.Sprintf("book %d", req.ID), Author: "someone"}, nil
}

func TestAsk(t *testing.T) {
	b := broker.New()
	mustHandle(t, b, "books.title", title)
	type req struct{ ID int64 } // not handReq, but the same field
	got, err := broker.Ask[req, askRep](context.Background(), b, "books.title", req{7})
	if err != nil {
		t.Fatal(err)
	}
	if want := (askRep{"book 7"}); got != want {
		t.Errorf("Ask = %+v, want %+v", got, want)
	}
}

func TestAsker(t *testing.T) {
	ctx := context.Background()
	t.Run("asks like Ask, with mapped and identical types", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "books.title", title)
		mapped := broker.Expect[struct{ ID int64 }, askRep](b, "books.title")
		identical := broker.Expect[handReq, handRep](b, "books.title")
		if err := b.Verify(); err != nil {
			t.Fatal(err)
		}
		for i := range int64(3) { // the first ask finds the route, the others keep it
			if got, err := mapped.Ask(ctx, struct{ ID int64 }{i}); err != nil || got != (askRep{fmt.Sprintf("book %d", i)}) {
				t.Errorf("mapped Ask = %+v, %v, want book %d", got, err, i)
			}
			if got, err := identical.Ask(ctx, handReq{i}); err != nil || got != (handRep{fmt.Sprintf("book %d", i), "someone"}) {
				t.Errorf("identical Ask = %+v, %v, want book %d by someone", got, err, i)
			}
		}
	})
	t.Run("its method value is a plain func dependency", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "books.title", title)
		var titleOf func(context.Context, handReq) (askRep, error) = broker.Expect[handReq, askRep](b, "books.title").Ask
		if got, err := titleOf(ctx, handReq{9}); err != nil || got.Title != "book 9" {
			t.Errorf("titleOf = %+v, %v, want book 9", got, err)
		}
	})
	t.Run("a handler registered after the first ask is found", func(t *testing.T) {
		b := broker.New()
		asker := broker.Expect[handReq, askRep](b, "books.title")
		if _, err := asker.Ask(ctx, handReq{1}); !errors.Is(err, broker.ErrNoHandler) {
			t.Fatalf("Ask before Handle = %v, want ErrNoHandler", err)
		}
		mustHandle(t, b, "books.title", title)
		if got, err := asker.Ask(ctx, handReq{1}); err != nil || got.Title != "book 1" {
			t.Errorf("Ask after Handle = %+v, %v, want book 1", got, err)
		}
	})
	t.Run("types that do not map fail every ask", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "books.title", title)
		asker := broker.Expect[struct{ ID string }, askRep](b, "books.title")
		for range 2 { // the failed route is kept too
			got, err := asker.Ask(ctx, struct{ ID string }{"1"})
			var me *broker.MappingError
			if !errors.As(err, &me) || me.Direction != "request" || got != (askRep{}) {
				t.Errorf("Ask = %+v, %v, want the zero reply and a request *MappingError", got, err)
			}
		}
	})
	t.Run("errors, panics and a done context, as from Ask", func(t *testing.T) {
		b := broker.New()
		errNotFound := errors.New("not found")
		called := 0
		mustHandle(t, b, "books.title", func(_ context.Context, req handReq) (handRep, error) {
			called++
			switch req.ID {
			case 1:
				return handRep{Title: "partial"}, errNotFound
			case 2:
				panic("boom")
			}
			return handRep{Title: "ok"}, nil
		})
		asker := broker.Expect[handReq, askRep](b, "books.title")
		if got, err := asker.Ask(ctx, handReq{1}); err != errNotFound || got != (askRep{}) {
			t.Errorf("Ask = %+v, %v, want the zero reply and the handler's error", got, err)
		}
		var pe *broker.PanicError
		if _, err := asker.Ask(ctx, handReq{2}); !errors.As(err, &pe) || pe.Name != "books.title" {
			t.Errorf("Ask = %v, want a *PanicError naming books.title", err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := asker.Ask(done, handReq{3}); err != context.Canceled {
			t.Errorf("Ask with a done context = %v, want context.Canceled", err)
		}
		if called != 2 {
			t.Errorf("handler called %d times, want 2 (not with a done context)", called)
		}
	})
	t.Run("the observer sees each ask by name", func(t *testing.T) {
		var names []string
		var errs []error
		b := broker.New(broker.WithObserver(func(name string, _ time.Duration, err error) {
			names = append(names, name)
			errs = append(errs, err)
		}))
		mustHandle(t, b, "books.title", title)
		_, _ = broker.Expect[handReq, askRep](b, "books.title").Ask(ctx, handReq{1})
		_, _ = broker.Expect[handReq, askRep](b, "books.unknown").Ask(ctx, handReq{1})
		if len(names) != 2 || names[0] != "books.title" || errs[0] != nil ||
			names[1] != "books.unknown" || !errors.Is(errs[1], broker.ErrNoHandler) {
			t.Errorf("observed %q with %v, want books.title with nil, books.unknown with ErrNoHandler", names, errs)
		}
	})
}

func TestHandleRejects(t *testing.T) {
	b := broker.New()
	mustHandle(t, b, "books.title", title)
	tests := []struct {
		name   string
		handle func() error
		want   error // nil: any error
	}{
		{"a second handler for a name", func() error { return broker.Handle(b, "books.title", title) }, broker.ErrDuplicateHandler},
		{"an empty name", func() error { return broker.Handle(b, "", title) }, nil},
		{"a nil handler", func() error {
			return broker.Handle[handReq, handRep](b, "books.nil", nil)
		}, nil},
		{"a request that is not a struct", func() error {
			return broker.Handle(b, "books.int", func(context.Context, int) (handRep, error) { return handRep{}, nil })
		}, nil},
		{"a reply that is not a struct", func() error {
			return broker.Handle(b, "books.ptr", func(context.Context, handReq) (*handRep, error) { return nil, nil })
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.handle()
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Handle = %v, want an error matching %v", err, tt.want)
			}
		})
	}
	// The first registration still serves.
	if _, err := broker.Ask[handReq, handRep](context.Background(), b, "books.title", handReq{1}); err != nil {
		t.Errorf("Ask after rejected registrations: %v", err)
	}
}

func TestAskUnknownName(t *testing.T) {
	b := broker.New()
	mustHandle(t, b, "books.title", title)
	got, err := broker.Ask[handReq, handRep](context.Background(), b, "books.titel", handReq{1})
	if !errors.Is(err, broker.ErrNoHandler) {
		t.Fatalf("Ask = %v, want ErrNoHandler", err)
	}
	if !strings.Contains(err.Error(), `"books.titel"`) {
		t.Errorf("error %q does not name the asked name", err)
	}
	if got != (handRep{}) {
		t.Errorf("reply on error = %+v, want zero", got)
	}
}

func TestAskNonStructTypes(t *testing.T) {
	b := broker.New()
	mustHandle(t, b, "books.title", title)
	if _, err := broker.Ask[int, handRep](context.Background(), b, "books.title", 1); err == nil {
		t.Error("Ask with an int request succeeded")
	}
	if _, err := broker.Ask[handReq, string](context.Background(), b, "books.title", handReq{}); err == nil {
		t.Error("Ask with a string reply succeeded")
	}
}

func TestVerify(t *testing.T) {
	t.Run("all well", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "books.title", title)
		broker.Expect[handReq, handRep](b, "books.title")
		broker.Expect[struct{ ID int64 }, askRep](b, "books.title")
		if err := b.Verify(); err != nil {
			t.Errorf("Verify = %v, want nil", err)
		}
	})
	t.Run("nothing expected", func(t *testing.T) {
		if err := broker.New().Verify(); err != nil {
			t.Errorf("Verify = %v, want nil", err)
		}
	})
	t.Run("every problem at once", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "books.title", title)
		broker.Expect[handReq, handRep](b, "books.title")                          // fine
		broker.Expect[askReq, struct{ Title []string }](b, "books.title")          // ID: int vs int64; Title: string vs []string
		broker.Expect[handReq, handRep](b, "books.missing")                        // no handler
		broker.Expect[handReq, handRep](b, "users.missing")                        // no handler
		broker.Expect[handReq, handRep](b, "users.missing")                        // reported once
		broker.Expect[struct{ ID string }, struct{ Author int }](b, "books.title") // ID; Author

		err := b.Verify()
		var noHandler, mapping []string
		for _, e := range leaves(err) {
			var me *broker.MappingError
			switch {
			case errors.Is(e, broker.ErrNoHandler):
				noHandler = append(noHandler, e.Error())
			case errors.As(e, &me):
				for _, f := range me.Fields {
					mapping = append(mapping, me.Direction+" "+f.String())
				}
			default:
				t.Errorf("unexpected error %v", e)
			}
		}
		if len(noHandler) != 2 || !strings.Contains(noHandler[0], `"books.missing"`) || !strings.Contains(noHandler[1], `"users.missing"`) {
			t.Fatalf("no-handler errors = %q, want books.missing then users.missing", noHandler)
		}
		if !strings.Contains(noHandler[0], "broker_test.go:") {
			t.Errorf("no-handler error %q does not say where Expect was called", noHandler[0])
		}
		want := []string{
			"request ID: int vs int64",
			"reply Title: string vs []string",
			"request ID: string vs int64",
			"reply Author: string vs int",
		}
		if strings.Join(mapping, "\n") != strings.Join(want, "\n") {
			t.Errorf("mapping errors:\n%s\nwant:\n%s", strings.Join(mapping, "\n"), strings.Join(want, "\n"))
		}
		for _, name := range []string{"ID", "Title", "Author", "books.missing", "users.missing"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("Verify's message does not name %s:\n%v", name, err)
			}
		}
	})
	t.Run("a handler registered later satisfies it", func(t *testing.T) {
		b := broker.New()
		broker.Expect[handReq, handRep](b, "books.title")
		if err := b.Verify(); !errors.Is(err, broker.ErrNoHandler) {
			t.Fatalf("Verify = %v, want ErrNoHandler", err)
		}
		mustHandle(t, b, "books.title", title)
		if err := b.Verify(); err != nil {
			t.Errorf("Verify = %v, want nil", err)
		}
	})
}

// leaves flattens the tree of joined errors.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

type notFoundError struct{ ID int64 }

func (e *notFoundError) Error() string { return fmt.Sprintf("book %d not found", e.ID) }

func TestHandlerErrorsCrossUnchanged(t *testing.T) {
	errNotFound := errors.New("not found")
	typed := &notFoundError{ID: 4}
	tests := []struct {
		name  string
		err   error
		check func(t *testing.T, got error)
	}{
		{"a sentinel", errNotFound, func(t *testing.T, got error) {
			if got != errNotFound {
				t.Errorf("got %v, want the sentinel itself", got)
			}
		}},
		{"a wrapped sentinel", fmt.Errorf("book 4: %w", fs.ErrNotExist), func(t *testing.T, got error) {
			if !errors.Is(got, fs.ErrNotExist) {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", got)
			}
		}},
		{"an error type", fmt.Errorf("lookup: %w", typed), func(t *testing.T, got error) {
			var nf *notFoundError
			if !errors.As(got, &nf) || nf != typed {
				t.Errorf("errors.As(%v) did not find the handler's *notFoundError", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := broker.New()
			mustHandle(t, b, "books.title", func(context.Context, handReq) (handRep, error) {
				return handRep{Title: "partial"}, tt.err
			})
			rep, err := broker.Ask[struct{ ID int64 }, askRep](context.Background(), b, "books.title", struct{ ID int64 }{4})
			tt.check(t, err)
			if rep != (askRep{}) {
				t.Errorf("reply on error = %+v, want zero", rep)
			}
		})
	}
}

func TestHandlerPanic(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name  string
		value any
	}{
		{"a string", "index out of range"},
		{"an error", errBoom},
		{"a nil pointer dereference", nil}, // the handler dereferences nil
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := broker.New()
			mustHandle(t, b, "books.title", func(context.Context, handReq) (handRep, error) {
				if tt.value == nil {
					var p *handRep
					return *p, nil
				}
				panic(tt.value)
			})
			mustHandle(t, b, "books.ok", title)

			_, err := broker.Ask[askRep, askRep](context.Background(), b, "books.title", askRep{})
			var pe *broker.PanicError
			if !errors.Is(err, broker.ErrHandlerPanic) || !errors.As(err, &pe) {
				t.Fatalf("Ask = %v, want a *PanicError", err)
			}
			if pe.Name != "books.title" || !strings.Contains(err.Error(), `"books.title"`) {
				t.Errorf("panic error %q does not name the handler", err)
			}
			if tt.value != nil && pe.Value != tt.value {
				t.Errorf("PanicError.Value = %v, want %v", pe.Value, tt.value)
			}
			if !strings.Contains(string(pe.Stack), "broker_test.TestHandlerPanic") {
				t.Errorf("PanicError.Stack does not show the handler:\n%s", pe.Stack)
			}
			if strings.Contains(err.Error(), "goroutine") {
				t.Errorf("the stack leaked into the error message: %q", err)
			}
			if tt.value == errBoom && !errors.Is(err, errBoom) {
				t.Errorf("errors.Is(%v, errBoom) = false", err)
			}
			// The broker, and the process, carry on.
			if _, err := broker.Ask[handReq, handRep](context.Background(), b, "books.ok", handReq{1}); err != nil {
				t.Errorf("Ask after a panic: %v", err)
			}
		})
	}
}

type ctxKey struct{}

func TestContext(t *testing.T) {
	t.Run("the handler receives the asker's context", func(t *testing.T) {
		b := broker.New()
		var got any
		mustHandle(t, b, "x", func(ctx context.Context, _ struct{}) (struct{}, error) {
			got = ctx.Value(ctxKey{})
			return struct{}{}, nil
		})
		ctx := context.WithValue(context.Background(), ctxKey{}, "request-42")
		if _, err := broker.Ask[struct{}, struct{}](ctx, b, "x", struct{}{}); err != nil {
			t.Fatal(err)
		}
		if got != "request-42" {
			t.Errorf("handler's ctx value = %v, want request-42", got)
		}
	})
	t.Run("done before: the handler is not called", func(t *testing.T) {
		b := broker.New()
		called := false
		mustHandle(t, b, "x", func(context.Context, struct{}) (struct{}, error) {
			called = true
			return struct{}{}, nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := broker.Ask[struct{}, struct{}](ctx, b, "x", struct{}{}); err != context.Canceled {
			t.Errorf("Ask = %v, want context.Canceled", err)
		}
		if called {
			t.Error("the handler was called with a done context")
		}
	})
	t.Run("cancelled while the handler runs", func(t *testing.T) {
		b := broker.New()
		ctx, cancel := context.WithCancel(context.Background())
		mustHandle(t, b, "x", func(context.Context, struct{}) (handRep, error) {
			cancel() // the asker gives up; this handler ignores it and succeeds
			return handRep{Title: "late"}, nil
		})
		rep, err := broker.Ask[struct{}, askRep](ctx, b, "x", struct{}{})
		if err != context.Canceled {
			t.Errorf("Ask = %v, want context.Canceled", err)
		}
		if rep != (askRep{}) {
			t.Errorf("reply = %+v, want zero", rep)
		}
	})
	t.Run("deadline honoured by the handler", func(t *testing.T) {
		b := broker.New()
		mustHandle(t, b, "x", func(ctx context.Context, _ struct{}) (struct{}, error) {
			<-ctx.Done()
			return struct{}{}, fmt.Errorf("query: %w", ctx.Err())
		})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if _, err := broker.Ask[struct{}, struct{}](ctx, b, "x", struct{}{}); err != context.DeadlineExceeded {
			t.Errorf("Ask = %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestObserver(t *testing.T) {
	type call struct {
		name string
		d    time.Duration
		err  error
	}
	var calls []call
	b := broker.New(broker.WithObserver(func(name string, d time.Duration, err error) {
		calls = append(calls, call{name, d, err})
	}))
	errNotFound := errors.New("not found")
	mustHandle(t, b, "slow", func(context.Context, struct{}) (struct{}, error) {
		time.Sleep(5 * time.Millisecond)
		return struct{}{}, nil
	})
	mustHandle(t, b, "failing", func(context.Context, struct{}) (struct{}, error) { return struct{}{}, errNotFound })

	ctx := context.Background()
	_, _ = broker.Ask[struct{}, struct{}](ctx, b, "slow", struct{}{})
	_, _ = broker.Ask[struct{}, struct{}](ctx, b, "failing", struct{}{})
	_, _ = broker.Ask[struct{}, struct{}](ctx, b, "unknown", struct{}{})

	if len(calls) != 3 {
		t.Fatalf("observer called %d times, want 3", len(calls))
	}
	if c := calls[0]; c.name != "slow" || c.err != nil || c.d < 5*time.Millisecond {
		t.Errorf("first observation = %+v, want slow, ≥5ms, nil", c)
	}
	if c := calls[1]; c.name != "failing" || c.err != errNotFound {
		t.Errorf("second observation = %+v, want failing with the handler's error", c)
	}
	if c := calls[2]; c.name != "unknown" || !errors.Is(c.err, broker.ErrNoHandler) {
		t.Errorf("third observation = %+v, want unknown with ErrNoHandler", c)
	}
}

// TestConcurrentUse is for the race detector: goroutines ask, register,
// declare and verify at once.
func TestConcurrentUse(t *testing.T) {
	b := broker.New(broker.WithObserver(func(string, time.Duration, error) {}))
	mustHandle(t, b, "books.title", title)
	mapped := broker.Expect[struct{ ID int64 }, askRep](b, "books.title")
	late := broker.Expect[struct{ ID int64 }, askRep](b, "books.late") // handled half way through
	const goroutines, rounds = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for g := range goroutines {
		wg.Go(func() {
			ctx := context.Background()
			for i := range rounds {
				switch g % 5 {
				case 0: // ask with mapped types, by name and through an Asker
					rep, err := broker.Ask[struct{ ID int64 }, askRep](ctx, b, "books.title", struct{ ID int64 }{int64(i)})
					if err != nil || rep.Title != fmt.Sprintf("book %d", i) {
						errs <- fmt.Errorf("mapped Ask = %+v, %v", rep, err)
					}
					rep, err = mapped.Ask(ctx, struct{ ID int64 }{int64(i)})
					if err != nil || rep.Title != fmt.Sprintf("book %d", i) {
						errs <- fmt.Errorf("mapped Asker.Ask = %+v, %v", rep, err)
					}
				case 1: // ask with the handler's types
					rep, err := broker.Ask[handReq, handRep](ctx, b, "books.title", handReq{int64(i)})
					if err != nil || rep.Title != fmt.Sprintf("book %d", i) {
						errs <- fmt.Errorf("identical Ask = %+v, %v", rep, err)
					}
				case 2: // register a name, then ask it
					name := fmt.Sprintf("ctx%d.n%d", g, i)
					if err := broker.Handle(b, name, title); err != nil {
						errs <- err
					}
					broker.Expect[struct{ ID int64 }, askRep](b, name)
					if _, err := broker.Ask[struct{ ID int64 }, askRep](ctx, b, name, struct{ ID int64 }{1}); err != nil {
						errs <- err
					}
				case 3: // race a duplicate registration, verify
					err := broker.Handle(b, "books.title", title)
					if !errors.Is(err, broker.ErrDuplicateHandler) {
						errs <- fmt.Errorf("duplicate Handle = %v", err)
					}
					for _, err := range leaves(b.Verify()) {
						if !errors.Is(err, broker.ErrNoHandler) || !strings.Contains(err.Error(), `"books.late"`) {
							errs <- err // only books.late may lack a handler, for a while
						}
					}
				case 4: // ask an Asker whose handler arrives meanwhile
					if g == 4 && i == rounds/2 {
						if err := broker.Handle(b, "books.late", title); err != nil {
							errs <- err
						}
					}
					rep, err := late.Ask(ctx, struct{ ID int64 }{int64(i)})
					if err != nil && !errors.Is(err, broker.ErrNoHandler) || err == nil && rep.Title != fmt.Sprintf("book %d", i) {
						errs <- fmt.Errorf("late Asker.Ask = %+v, %v", rep, err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if rep, err := late.Ask(context.Background(), struct{ ID int64 }{1}); err != nil || rep.Title != "book 1" {
		t.Errorf("late Asker.Ask after the race = %+v, %v, want book 1", rep, err)
	}
}

// TestMappedAskLeavesNothingBehind asks one name with mapped types over and
// over, on one goroutine so that every ask reuses the frames of the one
// before: a reply must hold only what its own handler's reply held, never
// a field left over from an earlier ask's (a nil slice after a full one, a
// field the handler did not fill).
func TestMappedAskLeavesNothingBehind(t *testing.T) {
	type (
		handlerTitle struct{ Name string }
		handlerReq   struct {
			N    int64
			Tags []handlerTitle // nil on odd asks: the handler's frame must not keep the last one's
		}
		handlerRep struct {
			Titles []handlerTitle // elements of other types: copied, not assigned
			Note   string
		}
		askerTitle struct{ Name string }
		askerReq   struct {
			N    int64
			Tags []askerTitle
		}
		askerRep struct {
			Note   string
			Titles []askerTitle
		}
	)
	b := broker.New()
	mustHandle(t, b, "books.titles", func(_ context.Context, req handlerReq) (handlerRep, error) {
		if (req.N%2 == 0) != (req.Tags != nil) {
			return handlerRep{}, fmt.Errorf("ask %d: request tags %v, left over from an earlier ask", req.N, req.Tags)
		}
		if req.N%2 == 0 {
			return handlerRep{Titles: []handlerTitle{{fmt.Sprint("title ", req.N)}}, Note: fmt.Sprint("note ", req.N)}, nil
		}
		return handlerRep{}, nil // odd: nothing at all
	})
	asker := broker.Expect[askerReq, askerRep](b, "books.titles")
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
	for n := range int64(10) {
		req := askerReq{N: n}
		if n%2 == 0 {
			req.Tags = []askerTitle{{"tag"}}
		}
		rep, err := asker.Ask(context.Background(), req)
		if err != nil {
			t.Fatalf("ask %d: %v", n, err)
		}
		if n%2 == 1 {
			if rep.Titles != nil || rep.Note != "" {
				t.Errorf("ask %d = %+v, want the zero reply (its handler's reply was empty)", n, rep)
			}
			continue
		}
		if len(rep.Titles) != 1 || rep.Titles[0].Name != fmt.Sprint("title ", n) || rep.Note != fmt.Sprint("note ", n) {
			t.Errorf("ask %d = %+v, want its own title and note", n, rep)
		}
	}
}
