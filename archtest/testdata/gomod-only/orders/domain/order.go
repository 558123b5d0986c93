// Package domain holds the orders domain.
package domain

// Order is an order.
type Order struct{ ID string }
