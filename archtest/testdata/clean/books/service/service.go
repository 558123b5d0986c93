// Package service holds the books context's use cases.
package service

import (
	"example.com/shop/books/infrastructure"
	"example.com/shop/books/persistence"
	"example.com/shop/books/service/common"
)

// Service is the books API.
type Service struct {
	store    persistence.Store
	handlers infrastructure.Handlers
	page     common.Page
}

// New returns a Service.
func New(s persistence.Store, h infrastructure.Handlers) *Service {
	return &Service{store: s, handlers: h}
}
