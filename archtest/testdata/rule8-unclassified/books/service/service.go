// Package service holds the books use cases.
package service

import "example.com/shop/books/util"

// Trim trims.
var Trim = util.Trim
