// Package persistence stores orders; orders/go.mod does not require shared.
package persistence

import "example.com/shop/shared/ids"

// Order is an order.
type Order struct{ ID ids.ID }
