// Package pgcommon holds what the persistence packages share.
package pgcommon

// Schema is the books schema.
const Schema = "books"
