package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/users"
)

// lazyPool returns a pool that never connects: wiring does no I/O.
func lazyPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// An app wired without the books handler that orders asks for does not
// start, and says which name has no handler.
func TestVerifyBrokerWithoutBooksHandler(t *testing.T) {
	pool := lazyPool(t)
	b := broker.New()
	usersModule := users.New(pool, users.Options{})
	_ = orders.New(pool, b, usersModule.AddressProvider(), orders.Options{}) // books.RegisterHandlers forgotten
	err := verifyBroker(context.Background(), b, time.Second)
	if !errors.Is(err, broker.ErrNoHandler) {
		t.Fatalf("verifyBroker = %v, want ErrNoHandler", err)
	}
	for _, want := range []string{"contracts between contexts do not hold", `"books.for-order"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("verifyBroker error %q does not say %s", err, want)
		}
	}
	t.Logf("the message: %v", err)
}

// Wired as serve wires them, the contexts' contracts hold.
func TestVerifyBrokerAsServeWires(t *testing.T) {
	pool := lazyPool(t)
	b := broker.New()
	usersModule := users.New(pool, users.Options{})
	if err := books.New(pool, books.Options{}).RegisterHandlers(b); err != nil {
		t.Fatal(err)
	}
	_ = orders.New(pool, b, usersModule.AddressProvider(), orders.Options{})
	if err := verifyBroker(context.Background(), b, time.Second); err != nil {
		t.Errorf("verifyBroker = %v, want nil", err)
	}
}
