// Package a is a feature.
package a

import (
	"example.com/shop/books/service/b"
	"example.com/shop/books/service/common"
)

// Name names the feature.
var Name = b.Name + common.Prefix
