// Package clocktest is a clock for tests.
package clocktest

// Epoch is the test clock's start.
const Epoch = 0
