package main

import (
	"testing"

	"example.com/shop/books/service"
)

func TestRun(t *testing.T) { _ = service.New }
