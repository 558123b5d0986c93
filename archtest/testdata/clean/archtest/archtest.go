// Package archtest stands in for the lint in fixtures: a tool module.
package archtest

import "strings"

// Lint lints.
func Lint() string { return strings.ToUpper("ok") }
