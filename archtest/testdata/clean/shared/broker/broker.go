// Package broker is the in-process request/reply broker.
package broker

// Broker routes requests by name.
type Broker struct{}
