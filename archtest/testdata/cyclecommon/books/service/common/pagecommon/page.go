// Package pagecommon is shared too; importing common back is a cycle that no
// rule forbids.
package pagecommon

import "example.com/shop/books/service/common"

// Max is the largest page.
const Max = 100

var _ = common.Size
