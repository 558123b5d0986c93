// Package util is in no layer.
package util

import "strings"

// Trim trims.
func Trim(s string) string { return strings.TrimSpace(s) }
