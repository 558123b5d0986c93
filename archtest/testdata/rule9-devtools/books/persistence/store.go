// Package persistence stores books; production code must not use devtools.
package persistence

import "example.com/shop/devtools/testdb"

// Database is the database the store uses.
var Database = testdb.Name
