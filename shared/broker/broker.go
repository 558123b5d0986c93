package broker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Broker routes requests from the contexts that ask to the contexts that
// handle them. Make one with New, register with Handle and Expect while
// wiring the app, check with Verify at start-up, then call Ask from any
// number of goroutines.
type Broker struct {
	observe Observer
	remote  Remote // nil: every handler is in this process

	// handlers is a copy-on-write map from name to handler: Ask reads it
	// without locking; Handle replaces it under mu.
	handlers atomic.Pointer[map[string]*handler]

	mu      sync.Mutex     // serialises registration and compilation
	plans   map[pair]*plan // compiled mapping plans, shared by all routes
	expects []expectation  // what Verify checks, in Expect order
}

// expectation is one call of Expect.
type expectation struct {
	name     string
	key      any          // routeKey[Req, Rep]
	req, rep reflect.Type // the asker's types
	at       string       // file:line of the Expect call
}

// Observer is told the name, duration and outcome of every Ask, after it
// returns: err is nil on success, or exactly the error Ask returned (a
// handler's own error, ErrNoHandler, a *PanicError, a *MappingError or the
// context's error). It runs on the asking goroutine, so it must be fast and
// safe for concurrent use. A typical observer records a latency histogram per
// name and logs asks slower than a threshold.
type Observer func(name string, d time.Duration, err error)

// Option configures a Broker made by New.
type Option func(*Broker)

// WithObserver has the broker report every Ask to o. Without it, Ask does not
// even read the clock.
func WithObserver(o Observer) Option {
	return func(b *Broker) { b.observe = o }
}

// New returns an empty Broker. An app makes one, hands it to each context's
// setup to register handlers and expectations, and calls Verify before
// serving.
func New(opts ...Option) *Broker {
	b := &Broker{plans: make(map[pair]*plan)}
	b.handlers.Store(new(map[string]*handler))
	for _, o := range opts {
		o(b)
	}
	return b
}

// Handle registers h as the handler of name: the provider side of a broker
// contract, called from the providing context's setup while the app is
// wired. Req and Rep must be struct types; they belong to the provider and
// need not be known to any asker. Handle returns an error wrapping
// ErrDuplicateHandler if name already has a handler.
//
// h is called on the asking goroutine with the asker's context, so it must
// be safe for concurrent use. Whatever error it returns reaches the asker
// unchanged. Like any function, it must not change in place the slices,
// maps and pointees of its request, which an asker may share with it (see
// the package documentation).
func Handle[Req, Rep any](b *Broker, name string, h func(ctx context.Context, req Req) (Rep, error)) error {
	reqT, repT := reflect.TypeFor[Req](), reflect.TypeFor[Rep]()
	switch {
	case name == "":
		return errors.New("broker: Handle with an empty name")
	case h == nil:
		return fmt.Errorf("broker: Handle %q with a nil function", name)
	case reqT.Kind() != reflect.Struct:
		return fmt.Errorf("broker: Handle %q: request type %v is not a struct", name, reqT)
	case repT.Kind() != reflect.Struct:
		return fmt.Errorf("broker: Handle %q: reply type %v is not a struct", name, repT)
	}
	hd := &handler{name: name, req: reqT, rep: repT, fn: h, call: newCall(name, h), serve: newServe(name, h)}

	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.handlers.Load()
	if _, ok := old[name]; ok {
		return fmt.Errorf("%w for %q", ErrDuplicateHandler, name)
	}
	m := make(map[string]*handler, len(old)+1)
	maps.Copy(m, old)
	m[name] = hd
	b.handlers.Store(&m)
	return nil
}

// Expect declares that the calling context will Ask name with these request
// and reply types: the asker side of a broker contract, called from the
// asking context's setup while the app is wired. It checks nothing itself;
// Verify does, once every context has registered.
//
// Expect returns an Asker for name and these types, whose Ask skips the
// lookup by name that the package's Ask makes on every call. A context that
// keeps it needs no name at run time; one that ignores it can still call
// Ask.
func Expect[Req, Rep any](b *Broker, name string) *Asker[Req, Rep] {
	at := "unknown caller"
	if _, file, line, ok := runtime.Caller(1); ok {
		at = fmt.Sprintf("%s:%d", file, line)
	}
	x := expectation{
		name: name,
		key:  routeKey[Req, Rep]{},
		req:  reflect.TypeFor[Req](),
		rep:  reflect.TypeFor[Rep](),
		at:   at,
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expects = append(b.expects, x)
	return &Asker[Req, Rep]{b: b, name: name}
}

// Verify checks every Expect so far: that its name has a handler and that
// the request and reply types map both ways. It reports every problem at
// once, joined: each name without a handler as an error wrapping
// ErrNoHandler that says where Expect was called, each pair of types that
// does not map as a *MappingError naming the fields. It returns nil when
// all is well. Call it at start-up, after every context has registered, so
// that a broken contract stops the app before it serves anyone.
//
// Verify also compiles each expected route, so that no Ask pays for it.
// With a Remote (WithRemote), a name without a handler here is checked
// against the handler the remote describes, which may wait for one to
// answer: call VerifyContext with a deadline instead.
func (b *Broker) Verify() error { return b.VerifyContext(context.Background()) }

// VerifyContext is Verify, waiting for remote handlers until ctx is done.
func (b *Broker) VerifyContext(ctx context.Context) error {
	b.mu.Lock()
	handlers := *b.handlers.Load()
	var (
		errs   []error
		remote []expectation
	)
	type seenKey struct {
		name string
		key  any
	}
	seen := make(map[seenKey]bool)
	for _, x := range b.expects {
		k := seenKey{x.name, x.key}
		if seen[k] {
			continue
		}
		seen[k] = true
		h := handlers[x.name]
		switch {
		case h == nil && b.remote != nil:
			remote = append(remote, x)
		case h == nil:
			errs = append(errs, fmt.Errorf("%w for %q (expected as Ask[%v, %v] at %s)", ErrNoHandler, x.name, x.req, x.rep, x.at))
		default:
			if r := b.routeLocked(h, x.key, x.req, x.rep); r.err != nil {
				errs = append(errs, r.err)
			}
		}
	}
	b.mu.Unlock()
	for _, x := range remote { // without the lock: a remote takes its time
		errs = append(errs, b.verifyRemote(ctx, x))
	}
	return errors.Join(errs...)
}

// Ask sends req to the handler of name and returns its reply: the asker side
// of a broker contract, called at run time. Req and Rep are the asker's own
// struct types; the broker copies req into the handler's request type and
// the handler's reply into Rep, matching fields by name (see the package
// documentation).
//
// The handler runs on the calling goroutine with ctx. If ctx is done before
// or after it runs, Ask returns ctx.Err(). Otherwise a handler's error is
// returned unchanged, a handler's panic as a *PanicError, an unknown name as
// an error wrapping ErrNoHandler, and types that do not map as a
// *MappingError. On any error the reply is the zero Rep.
func Ask[Req, Rep any](ctx context.Context, b *Broker, name string, req Req) (Rep, error) {
	if b.observe == nil {
		return ask[Req, Rep](ctx, b, name, req)
	}
	start := time.Now()
	rep, err := ask[Req, Rep](ctx, b, name, req)
	b.observe(name, time.Since(start), err)
	return rep, err
}

func ask[Req, Rep any](ctx context.Context, b *Broker, name string, req Req) (Rep, error) {
	if err := ctx.Err(); err != nil {
		return *new(Rep), err
	}
	r, err := lookup[Req, Rep](b, name)
	if r == nil && b.remote != nil {
		return askRemote[Req, Rep](ctx, b, name, req)
	}
	if err != nil {
		return *new(Rep), err
	}
	return send[Req, Rep](ctx, r, req)
}

// Asker asks one name with one pair of types: the asker side of a broker
// contract, as Expect returns it. Its Ask is the package's Ask without the
// lookup by name: the route to the handler is found on the first Ask and
// kept. Safe for concurrent use.
//
// A context can take the method value asker.Ask as its dependency, a plain
// func(context.Context, Req) (Rep, error) that its tests can replace.
type Asker[Req, Rep any] struct {
	b     *Broker
	name  string
	route atomic.Pointer[route] // nil until a handler is found
}

// Ask is Ask(ctx, b, name, req) for the broker, name and types of a: it
// behaves the same in every way, including the observer's report.
func (a *Asker[Req, Rep]) Ask(ctx context.Context, req Req) (Rep, error) {
	if a.b.observe == nil {
		return a.ask(ctx, req)
	}
	start := time.Now()
	rep, err := a.ask(ctx, req)
	a.b.observe(a.name, time.Since(start), err)
	return rep, err
}

func (a *Asker[Req, Rep]) ask(ctx context.Context, req Req) (Rep, error) {
	if err := ctx.Err(); err != nil {
		return *new(Rep), err
	}
	r := a.route.Load()
	if r == nil {
		return a.first(ctx, req)
	}
	if r.err != nil {
		return *new(Rep), r.err
	}
	return send[Req, Rep](ctx, r, req)
}

// first is ask before a route is known: it looks for the handler.
func (a *Asker[Req, Rep]) first(ctx context.Context, req Req) (Rep, error) {
	r, err := lookup[Req, Rep](a.b, a.name)
	if r == nil && a.b.remote != nil {
		return askRemote[Req, Rep](ctx, a.b, a.name, req) // in another process
	}
	if r == nil {
		return *new(Rep), err // no handler yet: look again next time
	}
	// A handler is never replaced, so the route to it, and whether the
	// types map, holds for good.
	a.route.Store(r)
	if r.err != nil {
		return *new(Rep), r.err
	}
	return send[Req, Rep](ctx, r, req)
}

// send sends req along r, whose types map, and returns the reply.
func send[Req, Rep any](ctx context.Context, r *route, req Req) (Rep, error) {
	var (
		rep Rep
		err error
	)
	if r.direct { // the asker's types are the handler's: call it as it is
		rep, err = invoke(ctx, r.h.name, r.h.fn.(func(context.Context, Req) (Rep, error)), req)
	} else {
		// The handler's types differ, so its plans reach the request and
		// the reply through reflect, which needs them on the heap: in a
		// frame from a pool, which spares an allocation of each per Ask.
		f, _ := r.frames.Get().(*frame[Req, Rep])
		if f == nil {
			f = new(frame[Req, Rep])
		}
		f.req = req
		err = r.h.call(ctx, r.in, &f.req, r.out, &f.rep, &f.handler)
		rep = f.rep
		*f = frame[Req, Rep]{handler: f.handler} // keep nothing of this ask alive in the pool
		r.frames.Put(f)
	}
	if cerr := ctx.Err(); cerr != nil {
		return *new(Rep), cerr
	}
	if err != nil {
		return *new(Rep), err
	}
	return rep, nil
}

// invoke calls h, turning a panic into a *PanicError.
func invoke[Req, Rep any](ctx context.Context, name string, h func(context.Context, Req) (Rep, error), req Req) (rep Rep, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Name: name, Value: v, Stack: debug.Stack()}
		}
	}()
	return h(ctx, req)
}
