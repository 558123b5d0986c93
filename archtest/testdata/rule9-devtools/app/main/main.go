// Package main is an app, which may use developer tooling (a local database).
package main

import "example.com/shop/devtools/clocktest"

func main() { _ = clocktest.Epoch }
