// Command shop serves the shop.
package main

import (
	"fmt"

	"example.com/shop/books"
	"example.com/shop/books/service/listbooks"
	"example.com/shop/orders"
	"example.com/shop/shared/broker"
)

func main() {
	fmt.Println(books.New(), orders.New(), listbooks.List, broker.Broker{})
}
