// Package infrastructure holds the books broker handlers.
package infrastructure

// Topic is the broker topic.
const Topic = "books.title"
