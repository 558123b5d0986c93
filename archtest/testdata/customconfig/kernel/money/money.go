// Package money is pure.
package money

// Cents is an amount.
type Cents int64
