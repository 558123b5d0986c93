// Package bus carries the broker's asks between processes over NATS, for a
// deployment that runs the contexts in more than one process (bookapp serve
// -contexts ...). It is the app's: contexts never see it. Their Ask, their
// types and their errors are the same whether the handler is in the process
// or behind the bus.
//
// An ask is a NATS request on the subject "bookapp.ask.<name>"; every
// process that handles name subscribes to it in the queue group "bookapp",
// so instances of one context share the asks and one going away is not an
// outage. The request's body is the asker's request as JSON; its header
// Bookapp-Deadline carries the asker's deadline, which the handler's
// context gets. The reply is the handler's reply as JSON, or, with the
// header Bookapp-Error, the handler's error: its kind (errs), message and
// fields, so that the asking side gets an *errs.Error of the same kind.
// "bookapp.describe.<name>" answers the handler's Signature, for the
// asker's Verify.
package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/errs"
)

const (
	askPrefix      = "bookapp.ask."
	describePrefix = "bookapp.describe."
	queueGroup     = "bookapp"

	deadlineHeader = "Bookapp-Deadline"
	errorHeader    = "Bookapp-Error"

	// defaultDeadline bounds a handler whose asker sent no deadline.
	defaultDeadline = 10 * time.Second
	// maxInFlight bounds the asks one process handles at once; more wait
	// in NATS' buffers (and the askers' deadlines bound the wait).
	maxInFlight = 512
)

// Bus is a connection to NATS that serves this process's broker handlers
// and asks other processes' (a broker.Remote). Safe for concurrent use.
type Bus struct {
	nc    *nats.Conn
	log   *slog.Logger
	slots chan struct{} // a token per ask being handled

	closed chan struct{} // closed when the connection is

	mu     sync.Mutex
	subs   []*nats.Subscription
	served map[string]*atomic.Int64 // asks answered, by name
	busy   sync.WaitGroup           // handlers running
}

var _ broker.Remote = (*Bus)(nil)

// Connect connects to the NATS server at url, trying again until wait has
// passed (a server that is still starting), and then stays connected,
// reconnecting for as long as it takes after an outage; while it is away,
// asks fail as unavailable. name names the connection in the server's
// monitoring ("bookapp books,orders").
func Connect(ctx context.Context, serverURL, name string, wait time.Duration, log *slog.Logger) (*Bus, error) {
	deadline := time.Now().Add(wait)
	for {
		closed := make(chan struct{})
		nc, err := nats.Connect(serverURL,
			// While NATS is away an ask fails at once, rather than waiting
			// in a buffer for the reconnection until its deadline.
			nats.ReconnectBufSize(-1),
			nats.ClosedHandler(func(*nats.Conn) { close(closed) }),
			nats.Name(name),
			nats.Timeout(time.Second),
			nats.MaxReconnects(-1),
			nats.ReconnectWait(250*time.Millisecond),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				log.Warn("bus: disconnected from NATS; asks to other processes fail until it is back", slog.Any("err", err))
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) {
				log.Info("bus: reconnected to NATS", slog.String("url", nc.ConnectedUrlRedacted()))
			}))
		if err == nil {
			log.Info("bus: connected to NATS", slog.String("url", nc.ConnectedUrlRedacted()))
			return &Bus{nc: nc, log: log, slots: make(chan struct{}, maxInFlight), closed: closed}, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("NATS at %s did not answer within %s: %w", redact(serverURL), wait, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// redact hides the password of a URL for a message.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

// Serve subscribes to the asks and descriptions of every handler of b, in
// the queue group, and answers them until Close.
func (bus *Bus) Serve(b *broker.Broker) error {
	for _, name := range b.Names() {
		bus.mu.Lock()
		if bus.served == nil {
			bus.served = make(map[string]*atomic.Int64)
		}
		bus.served[name] = new(atomic.Int64)
		bus.mu.Unlock()
		ask, err := bus.nc.QueueSubscribe(askPrefix+name, queueGroup, func(m *nats.Msg) { bus.handle(b, name, m) })
		if err != nil {
			return fmt.Errorf("bus: serve %s: %w", name, err)
		}
		bus.mu.Lock()
		bus.subs = append(bus.subs, ask)
		bus.mu.Unlock()
		if err := bus.answer(describePrefix+name, func() (any, error) { return b.Signature(name) }); err != nil {
			return err
		}
	}
	// The subscriptions are in place on the server once it has answered a
	// round trip: from then on, other processes' asks reach this one.
	return bus.nc.Flush()
}

// handle answers one ask in a goroutine of its own (a NATS subscription
// delivers its messages one at a time).
func (bus *Bus) handle(b *broker.Broker, name string, m *nats.Msg) {
	bus.busy.Add(1) // before Close's Wait can run: the subscription's drain waits for this callback
	bus.slots <- struct{}{}
	go func() {
		defer func() { <-bus.slots; bus.busy.Done() }()
		deadline := time.Now().Add(defaultDeadline)
		if d, err := time.Parse(time.RFC3339Nano, m.Header.Get(deadlineHeader)); err == nil {
			deadline = d
		}
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		body, err := b.Serve(ctx, name, m.Data)
		bus.mu.Lock()
		bus.served[name].Add(1)
		bus.mu.Unlock()
		reply := nats.NewMsg(m.Reply)
		if err != nil {
			reply.Header.Set(errorHeader, "1")
			body = encodeError(err)
		}
		reply.Data = body
		if err := m.RespondMsg(reply); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			bus.log.Warn("bus: reply failed", slog.String("name", name), slog.Any("err", err))
		}
	}()
}

// Ask sends req to a handler of name in another process and waits, until
// ctx is done, for its reply.
func (bus *Bus) Ask(ctx context.Context, name string, req []byte) ([]byte, error) {
	m := nats.NewMsg(askPrefix + name)
	m.Data = req
	if d, ok := ctx.Deadline(); ok {
		m.Header.Set(deadlineHeader, d.Format(time.RFC3339Nano))
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultDeadline)
		defer cancel()
	}
	reply, err := bus.nc.RequestMsgWithContext(ctx, m)
	if err != nil {
		return nil, unavailable(name, err)
	}
	if reply.Header.Get(errorHeader) != "" {
		return nil, decodeError(reply.Data)
	}
	return reply.Data, nil
}

// Describe asks for the signature of a handler of name in another process,
// asking again until one answers or ctx is done (a process that is still
// starting).
func (bus *Bus) Describe(ctx context.Context, name string) (broker.Signature, error) {
	var sig broker.Signature
	return sig, bus.describeUntil(ctx, describePrefix+name, &sig)
}

// describeUntil requests subject until a process answers or ctx is done,
// and decodes the answer into out.
func (bus *Bus) describeUntil(ctx context.Context, subject string, out any) error {
	for {
		actx, cancel := context.WithTimeout(ctx, time.Second)
		reply, err := bus.nc.RequestWithContext(actx, subject, nil)
		cancel()
		if err == nil {
			if reply.Header.Get(errorHeader) != "" {
				return decodeError(reply.Data)
			}
			if err := json.Unmarshal(reply.Data, out); err != nil {
				return fmt.Errorf("bus: the answer on %s: %w", subject, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no process answered on NATS: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// answer subscribes to subject in the queue group, answering each request
// with what describe returns, until Close.
func (bus *Bus) answer(subject string, describe func() (any, error)) error {
	sub, err := bus.nc.QueueSubscribe(subject, queueGroup, func(m *nats.Msg) {
		reply := nats.NewMsg(m.Reply)
		v, err := describe()
		if err == nil {
			reply.Data, err = json.Marshal(v)
		}
		if err != nil {
			reply.Header.Set(errorHeader, "1")
			reply.Data = encodeError(err)
		}
		_ = m.RespondMsg(reply)
	})
	if err != nil {
		return fmt.Errorf("bus: answer on %s: %w", subject, err)
	}
	bus.mu.Lock()
	bus.subs = append(bus.subs, sub)
	bus.mu.Unlock()
	return nil
}

// Served returns how many asks of each name this process has answered for
// others, for the metrics.
func (bus *Bus) Served() map[string]int64 {
	bus.mu.Lock()
	defer bus.mu.Unlock()
	out := make(map[string]int64, len(bus.served))
	for name, n := range bus.served {
		out[name] = n.Load()
	}
	return out
}

// Close stops serving: it drains the subscriptions (the asks already
// received are still handled), waits for the handlers, whose replies go out,
// and closes the connection once everything is flushed.
func (bus *Bus) Close() {
	bus.mu.Lock()
	subs := bus.subs
	bus.subs = nil
	bus.mu.Unlock()
	for _, s := range subs {
		_ = s.Drain()
	}
	for _, s := range subs { // a drained subscription becomes invalid
		for deadline := time.Now().Add(10 * time.Second); s.IsValid() && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	bus.busy.Wait()
	_ = bus.nc.Flush()
	bus.nc.Close()
	<-bus.closed
}

// wireError is an error as it crosses: its kind's text (errs), its message,
// its fields.
type wireError struct {
	Kind    string            `json:"kind,omitempty"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func encodeError(err error) []byte {
	w := wireError{Message: err.Error(), Fields: errs.FieldsOf(err)}
	if k := errs.KindOf(err); k != nil {
		w.Kind = k.Error()
		var e *errs.Error
		if errors.As(err, &e) {
			w.Message = e.Message // the client's message, not the wrapping
		}
	}
	body, _ := json.Marshal(w) // strings and a map of strings always encode
	return body
}

func decodeError(body []byte) error {
	var w wireError
	if err := json.Unmarshal(body, &w); err != nil {
		return fmt.Errorf("bus: an error reply that does not decode: %w", err)
	}
	kind := errs.KindNamed(w.Kind)
	switch {
	case kind == nil:
		return errors.New(w.Message) // an unexpected failure over there
	case len(w.Fields) > 0:
		e := errs.WithFields(kind, w.Fields)
		e.Message = w.Message
		return e
	}
	return errs.New(kind, w.Message)
}

// unavailable turns a failed request into an error of kind Unavailable that
// says why, wrapping the request's error too (for errors.Is with
// context.DeadlineExceeded).
func unavailable(name string, err error) error {
	why := "NATS is unreachable"
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		why = "no process handles it"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		why = "no answer in time"
	}
	return fmt.Errorf("%w: %w", errs.New(errs.Unavailable, fmt.Sprintf("%s is unavailable: %s", name, why)), err)
}
