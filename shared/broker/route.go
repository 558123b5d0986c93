package broker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// handler is a registered provider.
type handler struct {
	name     string
	req, rep reflect.Type // the provider's request and reply types
	fn       any          // the func(context.Context, Req) (Rep, error) registered
	call     callFunc     // fn with its types erased, for askers whose types differ

	// routes holds one compiled route per pair of asker types seen so far:
	// copy-on-write, read without locking, appended under Broker.mu.
	routes atomic.Pointer[[]*route]
}

// callFunc runs a handler for an asker whose types differ from its own. req
// points to the asker's request, which it copies into its own request type
// through in (nil when the two types are identical); rep points to the
// asker's zero reply, which it fills from its own reply through out (nil
// when identical). It keeps neither pointer.
type callFunc func(ctx context.Context, in *plan, req unsafe.Pointer, out *plan, rep unsafe.Pointer) error

// newCall returns the callFunc of h.
func newCall[Req, Rep any](name string, h func(context.Context, Req) (Rep, error)) callFunc {
	return func(ctx context.Context, in *plan, src unsafe.Pointer, out *plan, dst unsafe.Pointer) error {
		var req Req
		if in == nil {
			req = *(*Req)(src)
		} else if err := in.run(unsafe.Pointer(&req), src); err != nil {
			return fmt.Errorf("%w in the request to %q", err, name)
		}
		rep, err := invoke(ctx, name, h, req)
		if err != nil {
			return err
		}
		if out == nil {
			*(*Rep)(dst) = rep
		} else if err := out.run(dst, unsafe.Pointer(&rep)); err != nil {
			return fmt.Errorf("%w in the reply of %q", err, name)
		}
		return nil
	}
}

// route is what askers with one pair of types need to call one handler.
type route struct {
	key     any // routeKey[Req, Rep] of the asker's types
	h       *handler
	direct  bool  // the asker's types are the handler's: call h.fn as it is
	in, out *plan // else the plans that map the request and the reply
	err     error // why the types do not map; then the route is never called

	frames sync.Pool // of *frame[Req, Rep], unless direct
}

// routeKey identifies a pair of asker types. Its zero value in an interface
// costs no allocation, and asserting it is a comparison of type words, much
// cheaper than comparing reflect.Types.
type routeKey[Req, Rep any] struct{}

// frame holds an asker's request and reply, on the heap, while a handler
// whose types differ reads the one and writes the other.
type frame[Req, Rep any] struct {
	req Req
	rep Rep
}

// lookup returns the route from the asker types Req and Rep to the handler
// of name, compiling it on first use.
func lookup[Req, Rep any](b *Broker, name string) (*route, error) {
	h := (*b.handlers.Load())[name]
	if h == nil {
		return nil, fmt.Errorf("%w for %q", ErrNoHandler, name)
	}
	if rs := h.routes.Load(); rs != nil {
		for _, r := range *rs {
			if _, ok := r.key.(routeKey[Req, Rep]); ok {
				return r, r.err
			}
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.routeLocked(h, routeKey[Req, Rep]{}, reflect.TypeFor[Req](), reflect.TypeFor[Rep]())
	return r, r.err
}

// routeLocked returns the route for key from the asker types req and rep to
// h, compiling and publishing it if it is new. b.mu must be held.
func (b *Broker) routeLocked(h *handler, key any, req, rep reflect.Type) *route {
	var old []*route
	if rs := h.routes.Load(); rs != nil {
		old = *rs
	}
	for _, r := range old {
		if r.key == key {
			return r
		}
	}
	r := &route{key: key, h: h, direct: req == h.req && rep == h.rep}
	switch {
	case req.Kind() != reflect.Struct:
		r.err = fmt.Errorf("broker: Ask %q: request type %v is not a struct", h.name, req)
	case rep.Kind() != reflect.Struct:
		r.err = fmt.Errorf("broker: Ask %q: reply type %v is not a struct", h.name, rep)
	default:
		var errs []error
		if req != h.req {
			if p, bad := b.plan(req, h.req); bad != nil {
				errs = append(errs, &MappingError{Name: h.name, Direction: "request", From: req, To: h.req, Fields: bad})
			} else {
				r.in = p
			}
		}
		if rep != h.rep {
			if p, bad := b.plan(h.rep, rep); bad != nil {
				errs = append(errs, &MappingError{Name: h.name, Direction: "reply", From: h.rep, To: rep, Fields: bad})
			} else {
				r.out = p
			}
		}
		r.err = errors.Join(errs...)
	}
	rs := append(slices.Clip(old), r)
	h.routes.Store(&rs)
	return r
}
