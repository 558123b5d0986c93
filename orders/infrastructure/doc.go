// Package infrastructure is the orders context's edge: the adapters through
// which orders takes data owned by other contexts without importing them.
// Books answers through the broker (Catalogue asks "books.for-order" with
// orders' own request and reply types); users answers through the shared
// contract contracts.AddressProvider (AddressBook). Both turn what goes wrong
// on the other side into orders' errors: a missing address is a broken rule,
// anything else means the other context is unavailable. It sits above
// persistence and below service.
package infrastructure
