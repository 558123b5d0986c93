// Package service holds the orders context's use cases.
package service

import (
	"example.com/shop/orders/domain"
	"example.com/shop/shared/contracts"
)

// Service places orders.
type Service struct {
	addresses contracts.AddressProvider
	last      domain.Order
}
