// Command shop serves the shop.
package main

import (
	"fmt"

	"example.com/shop/books"
	"example.com/shop/books/domain"
	"example.com/shop/books/infrastructure"
	"example.com/shop/books/persistence"
	"example.com/shop/books/service/listbooks"
)

func main() {
	fmt.Println(books.Name, domain.Book{}, infrastructure.Topic, persistence.Table, listbooks.List())
}
