// Package migrate runs migrations; it must not take its clock from devtools.
package migrate

import "example.com/shop/devtools/clocktest"

// Started is when migrations started.
var Started = clocktest.Epoch
