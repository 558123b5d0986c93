// Package refund refunds invoices.
package refund

// Name names it.
const Name = "refund"
