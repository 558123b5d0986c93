// Package archtest is a tool; it may not import a context.
package archtest

import "example.com/shop/books/service/listbooks"

// List is borrowed.
var List = listbooks.List
