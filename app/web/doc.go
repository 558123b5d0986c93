// Package web is what every context's HTTP handlers in the app share: the
// problem+json error shape and the one table that maps error kinds to
// statuses, JSON decoding and encoding with the API's conventions, request ids,
// and authentication middleware. It knows no context.
package web
