// Package web is the HTTP vocabulary every context's HTTP adapter shares,
// on net/http alone: the one handler shape (Handler, mounted by Routes on any
// Mux with its Guards), the problem+json error shape and the one table that
// maps error kinds to statuses, JSON decoding and encoding with the API's
// conventions (Decode, Encode, Money, Date), ids in paths, request ids, and
// the authentication middleware. It knows no context and no router: a
// context's routes mount on chi in the app and on a plain http.ServeMux just
// as well.
package web
