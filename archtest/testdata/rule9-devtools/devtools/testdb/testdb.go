// Package testdb gives tests a database; it may use the kernel.
package testdb

import "example.com/shop/shared/errs"

// Name is the test database's name.
var Name = errs.NotFound.Error()
