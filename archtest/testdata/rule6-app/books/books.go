// Package books is the setup package of the books context.
package books

// Name names the context.
const Name = "books"
