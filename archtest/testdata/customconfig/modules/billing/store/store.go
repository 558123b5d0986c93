// Package store stores invoices.
package store

// Table is the invoices table.
const Table = "invoices"
