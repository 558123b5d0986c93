// Package orders is the setup package of the orders context.
package orders

import "example.com/shop/orders/service"

// New wires the orders context.
func New() service.Service { return service.Service{} }
