// Package domain holds the users domain; it imports nothing of orders.
package domain

// User is a user.
type User struct{ Name string }
