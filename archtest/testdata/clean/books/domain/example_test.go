package domain_test

import (
	"fmt"

	"example.com/shop/books/domain"
)

func Example() {
	fmt.Println(domain.Book{}.Author)
	// Output: <nil>
}
