// Package common holds what the books use cases share.
package common

// Prefix prefixes names.
const Prefix = "books."
