// Package broker lets one bounded context ask another for data without
// importing it, and without the two sharing a type: an in-process
// request/reply broker. It belongs to the shared kernel; the app wires it,
// contexts use it.
//
// # Wiring
//
// A provider registers a handler under a name, with request and reply types
// of its own. An asker declares the names it will ask, with request and
// reply types of its own. The app checks at start-up that every declared
// name has a handler and that the two sides' types map:
//
//	// books' setup: the provider
//	err := broker.Handle(b, "books.for-order", lookup.BooksForOrder)
//
//	// orders' setup: the asker
//	booksForOrder := broker.Expect[bookRequest, bookReply](b, "books.for-order")
//
//	// app, once every context is set up and before serving
//	if err := b.Verify(); err != nil {
//		return err // a broken contract stops start-up, not a customer's order
//	}
//
//	// orders, at run time
//	reply, err := booksForOrder.Ask(ctx, req)
//
// Expect returns an Asker, which orders keeps (or hands its Ask method, a
// plain function, to the code that needs the books). Asking by name works
// too, at the cost of a lookup per call:
//
//	reply, err := broker.Ask[bookRequest, bookReply](ctx, b, "books.for-order", req)
//
// Name handlers after the providing context and what they answer
// ("books.for-order"), so that a grep for the name finds both sides.
//
// # Mapping
//
// Requests and replies are structs. Ask copies the asker's request into the
// handler's request type, and the handler's reply into the asker's reply
// type, matching exported fields by name: a field's json tag name when it
// has one, else its Go name, exactly (case matters). A field tagged
// json:"-" is skipped, and the fields of an embedded struct without a tag
// name are promoted, as in encoding/json (but not through an embedded
// pointer, which is a field like any other). Unexported fields are ignored.
//
// A field that the receiving side has and the sending side lacks stays zero;
// a field only the sending side has is dropped. So a provider can add a
// field before any asker reads it, and an asker can stop reading one.
//
// Matched fields map recursively: structs field by field; slices, arrays of
// the same length, maps (keys and values) and pointers element by element;
// booleans, numbers and strings of the same kind whatever their names (type
// Cents int64 maps to int64, but int32 does not map to int64). Everything
// else maps only to an identical type: interfaces, channels, functions, and
// structs without exported fields such as time.Time. An embedded struct of
// an unexported type with a json tag name is a field that the broker can
// reach only through its exported fields, so when its type is the same on
// both sides it is copied field by field, and does not map if it has
// unexported fields. Verify reports every field that does not map, by its
// path ("Lines[].Price: string vs int64").
//
// Values of identical types are assigned, as a function call would pass
// them, not copied deep. That makes asking with the handler's own types cost
// nothing, and types that both sides use, such as uuid.UUID and time.Time,
// cost a plain copy. It also means that a slice, map or pointer whose type
// is the same on both sides is shared by asker and handler, as with any
// function call: a handler must not change its request in place, nor an
// asker a reply that may come from the handler's cache. Values whose types
// differ are copied into new memory; nil stays nil and empty stays empty.
//
// Values are copied as trees: a sub-value referred to twice is copied
// twice, and a value that refers back to itself (possible only through a
// recursive type) fails the Ask with ErrCycle instead of copying forever.
//
// The broker compiles each pair of types into a copy plan once, with
// reflection, and keeps it: which field goes where, by index, and how each
// is copied. Verify compiles every expected route, so at run time an Ask is
// a lookup (none through an Asker), a call and the plan's copies, which
// reflect.Value makes field by field: no JSON, no matching of names, no
// unsafe code, and no allocation but for the new memory of slices, maps and
// pointers whose types differ. An ask with the handler's own types makes no
// copy at all.
//
// # Errors, panics and cancellation
//
// An error returned by a handler reaches the asker unchanged, so domain
// errors ("not found") cross the broker intact for errors.Is and errors.As.
// A handler's panic is recovered and returned as a *PanicError, which names
// the handler and keeps the stack for the log. An unknown name fails with
// ErrNoHandler. Handlers run on the asking goroutine with the asker's
// context; when that context is done before or after the handler runs, Ask
// returns the context's error.
//
// WithObserver reports each Ask's name, duration and error, for metrics and
// for logging slow asks.
//
// # Broker or contract?
//
// The other way between contexts is a contract: an interface in shared,
// implemented in the provider's infrastructure layer and handed to the
// consumer by the app, with its types beside it in shared (orders asks
// users for a delivery address through contracts.AddressProvider, and both
// use contracts.Address). Choose by what the two sides should share.
//
// A contract shares types. The compiler checks both sides, an editor jumps
// from the call to its implementation, a call costs an interface call, and
// it can carry anything an interface can: several methods, callbacks, an
// iterator. But its types live in the shared kernel, so the kernel grows
// with every contract, a change to one is a change to shared and to both
// contexts at once, and both contexts are coupled to one shape of the data.
// It suits a small, stable capability that several contexts need, in a
// vocabulary that is truly shared: an address, money, the current user.
//
// The broker shares only a name and field names. Each context keeps its own
// types and takes the fields it needs, so the two evolve separately, and a
// context moved out of the process later keeps the same request/reply
// shape. In exchange the contract is checked at start-up by Verify rather
// than by the compiler; a field renamed on one side only is not an error
// but a field left zero (a test that asks with real data catches it); a
// name is found by grep, not by "go to definition"; an ask costs a lookup
// and, for types that differ, a copy of every field and an allocation per
// slice, map or pointer; and it offers one call with one reply, nothing
// more. It suits one context
// needing some of another's data, the usual case between contexts: orders
// asking books for the titles and prices in an order.
package broker
