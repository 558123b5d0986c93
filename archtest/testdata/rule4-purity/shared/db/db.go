// Package db opens the database: not a pure part of shared.
package db

// URL is the database URL.
const URL = "postgres://"
