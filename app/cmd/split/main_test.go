package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/users"
)

// patterns records the route patterns a context mounts.
type patterns []string

func (p *patterns) Handle(pattern string, _ http.Handler) { *p = append(*p, pattern) }

var _ web.Mux = (*patterns)(nil)

// Every route each context mounts, API and pages, goes to that context's
// process through the front door: the table cannot fall behind the routes.
func TestFrontDoorRoutesEveryPathToItsContext(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none") // wiring does no I/O
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	log := slog.New(slog.DiscardHandler)
	u := users.New(pool, users.Options{})
	routes := map[string]func(web.Mux){
		"users":  func(m web.Mux) { u.Routes(m, log) },
		"books":  func(m web.Mux) { books.New(pool, books.Options{}).Routes(m, log) },
		"orders": func(m web.Mux) { orders.New(pool, broker.New(), u.AddressProvider(), orders.Options{}).Routes(m, log) },
	}
	n := 0
	for context, mount := range routes {
		var ps patterns
		mount(&ps)
		for _, pattern := range ps {
			_, path, _ := strings.Cut(pattern, " ")
			path = strings.ReplaceAll(path, "{id}", "0190")
			if got := ownerOf(path); got != context {
				t.Errorf("%s (%s's) goes to %s", pattern, context, got)
			}
			n++
		}
	}
	if n < 40 {
		t.Errorf("only %d routes seen", n)
	}
}
