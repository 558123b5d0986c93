package service_test

import (
	"testing"

	"example.com/shop/books/service"
	"example.com/shop/orders/service/place"
)

func TestTitle(t *testing.T) { _ = service.Title(place.Name) }
