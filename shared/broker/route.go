package broker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
)

// handler is a registered provider.
type handler struct {
	name     string
	req, rep reflect.Type                                  // the provider's request and reply types
	fn       any                                           // the func(context.Context, Req) (Rep, error) registered
	call     callFunc                                      // fn with its types erased, for askers whose types differ
	serve    func(context.Context, []byte) ([]byte, error) // fn on JSON, for other processes (Serve)

	// routes holds one compiled route per pair of asker types seen so far:
	// copy-on-write, read without locking, appended under Broker.mu.
	routes atomic.Pointer[[]*route]
}

// callFunc runs a handler for an asker whose types differ from its own. req
// is a pointer to the asker's request, which it copies into its own request
// type through in (nil when the two types are identical); rep is a pointer
// to the asker's zero reply, which it fills from its own reply through out
// (nil when identical). It keeps neither pointer. scratch holds the frame
// for the handler's own request and reply between asks (nil at first): it
// lives in the asker's frame, so that one pool serves both sides.
type callFunc func(ctx context.Context, in *plan, req any, out *plan, rep any, scratch *any) error

// newCall returns the callFunc of h.
func newCall[Req, Rep any](name string, h func(context.Context, Req) (Rep, error)) callFunc {
	return func(ctx context.Context, in *plan, src any, out *plan, dst any, scratch *any) error {
		// The plans reach the handler's request and reply through
		// reflect, which needs them on the heap: in a frame kept from one
		// ask to the next, which spares an allocation of each per Ask.
		f, _ := (*scratch).(*frame[Req, Rep])
		if f == nil {
			f = new(frame[Req, Rep])
			*scratch = f
		}
		err := callWith(ctx, name, h, f, in, src, out, dst)
		*f = frame[Req, Rep]{} // keep nothing of this ask alive
		return err
	}
}

// callWith is the work of a callFunc, with f the zero frame for h's request
// and reply.
func callWith[Req, Rep any](ctx context.Context, name string, h func(context.Context, Req) (Rep, error),
	f *frame[Req, Rep], in *plan, src any, out *plan, dst any) error {
	if in == nil {
		f.req = *src.(*Req)
	} else if err := in.run(reflect.ValueOf(&f.req).Elem(), reflect.ValueOf(src).Elem()); err != nil {
		return fmt.Errorf("%w in the request to %q", err, name)
	}
	rep, err := invoke(ctx, name, h, f.req)
	if err != nil {
		return err
	}
	if out == nil {
		*dst.(*Rep) = rep
		return nil
	}
	f.rep = rep
	if err := out.run(reflect.ValueOf(dst).Elem(), reflect.ValueOf(&f.rep).Elem()); err != nil {
		return fmt.Errorf("%w in the reply of %q", err, name)
	}
	return nil
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

// frame holds a request and a reply on the heap while a plan copies them
// through reflect: the asker's, in send, and the handler's, in newCall.
type frame[Req, Rep any] struct {
	req Req
	rep Rep

	handler any // in an asker's frame, the handler's frame (see callFunc)
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
