// Package service holds the books use cases.
package service

// Name is the service's name.
const Name = "Books"
