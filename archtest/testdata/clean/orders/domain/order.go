// Package domain is the orders context's domain layer.
package domain

import "example.com/shop/shared/contracts"

// Order is an order.
type Order struct{ Address contracts.Address }
