package persistence

import "testing"

// Test files obey the same rules.
func TestTitles(t *testing.T) {
	const cleanUp = `
		DELETE FROM orders.orders;
		DELETE FROM books.books;`
	_ = cleanUp
}
