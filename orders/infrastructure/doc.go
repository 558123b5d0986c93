// Package infrastructure is the orders context's edge: broker handlers,
// implementations of shared contracts, demo data and background work. It sits
// above persistence and below service.
package infrastructure
