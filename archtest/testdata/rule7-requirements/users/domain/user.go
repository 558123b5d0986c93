// Package domain holds the users domain.
package domain

// User is a user.
type User struct{ Name string }
