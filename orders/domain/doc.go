// Package domain holds the orders context's entities, value objects, their
// invariants and domain errors: the Order aggregate with its life cycle
// (placed → dispatched → delivered, or placed → cancelled), the delivery-date
// rules, and the business logic of placing an order (Place), which takes the
// data it needs from other contexts through two small interfaces declared
// here, BookLookup and AddressLookup.
//
// It is the lowest layer of the context: pure Go, importing only the standard
// library, github.com/google/uuid and the pure parts of shared, so its rules
// are tested without a database.
//
// Dates are calendar days in UTC: a time.Time at midnight UTC (see Day). The
// shop has one calendar for every customer, so "today" is today in UTC, not
// in the customer's time zone.
package domain
