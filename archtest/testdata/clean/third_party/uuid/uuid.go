// Package uuid is a stand-in for github.com/google/uuid in archtest fixtures.
package uuid

// UUID is a universally unique identifier.
type UUID [16]byte
