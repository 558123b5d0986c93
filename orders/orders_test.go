package orders_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"github.com/google/uuid"
)

type noAddresses struct{}

func (noAddresses) DeliveryAddress(context.Context, uuid.UUID) (contracts.Address, error) {
	return contracts.Address{}, contracts.ErrNoAddress
}

// Wiring orders declares what it asks the broker, so an app that forgets
// books' handler fails Verify, naming it.
func TestNewDeclaresWhatOrdersAsks(t *testing.T) {
	t.Parallel()
	b := broker.New()
	_ = orders.New(nil, b, noAddresses{}, orders.Options{})
	err := b.Verify()
	if !errors.Is(err, broker.ErrNoHandler) || !strings.Contains(err.Error(), orders.BooksForOrder) {
		t.Errorf("Verify = %v, want ErrNoHandler naming %q", err, orders.BooksForOrder)
	}
	if orders.BooksForOrder != "books.for-order" {
		t.Errorf("BooksForOrder = %q, want the name books handles, books.for-order", orders.BooksForOrder)
	}
	if got := orders.Migrations().Schema; got != "orders" {
		t.Errorf("Migrations().Schema = %q, want orders", got)
	}
}
