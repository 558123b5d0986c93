// Package wiring wires the app.
package wiring

// Name names the app.
const Name = "shop"
