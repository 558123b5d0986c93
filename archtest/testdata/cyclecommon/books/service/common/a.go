// Package common is shared by the use cases.
package common

import "example.com/shop/books/service/common/pagecommon"

// Size is a page size.
var Size = pagecommon.Max
