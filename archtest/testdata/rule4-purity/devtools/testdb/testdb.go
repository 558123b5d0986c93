// Package testdb gives tests a database.
package testdb

// Name is the test database's name.
const Name = "test"
