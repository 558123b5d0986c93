// Package service holds the books context's use cases, one method per thing a
// user can do, in one file per group: read.go (a book, the tags), manage.go
// (what administrators change) and review.go. Its methods take and return the
// package's own plain values (Book, Review, BookInput), never a domain type or
// an HTTP request. Its callers are the context's HTTP adapter (httpapi) and
// its setup package, which is all the app sees of books.
package service
