// Package domain holds the users context's entities, value objects, their
// invariants and domain errors. It is the lowest layer of the context: pure Go,
// importing only the standard library, github.com/google/uuid and the pure parts
// of shared.
package domain
