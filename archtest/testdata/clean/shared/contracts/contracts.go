// Package contracts holds the interfaces between contexts.
package contracts

// Address is a delivery address.
type Address struct{ Line1 string }

// AddressProvider gives a user's address.
type AddressProvider interface {
	Address(user string) (Address, error)
}
