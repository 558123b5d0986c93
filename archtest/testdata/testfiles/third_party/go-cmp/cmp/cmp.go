// Package cmp is a stand-in for github.com/google/go-cmp/cmp in archtest fixtures.
package cmp

// Diff reports the differences between x and y.
func Diff(x, y any) string { return "" }
