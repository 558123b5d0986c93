// Package base holds what the api packages share.
package base

// Name names it.
const Name = "billing"
