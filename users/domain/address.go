package domain

import (
	"strings"

	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
)

// MaxAddressFieldLen is the most characters any field of an address may have.
const MaxAddressFieldLen = 200

// An Address is an account's postal delivery address. Every field but Line2
// is required; Country is an upper-case ISO 3166-1 alpha-2 code.
type Address struct {
	line1, line2, city, postcode, country string
}

// NewAddress returns the address with its fields trimmed and the country code
// upper-cased, or one errs.Invalid error naming every field at fault ("line1",
// "line2", "city", "postcode", "country").
func NewAddress(line1, line2, city, postcode, country string) (Address, error) {
	f := errs.Fields{}
	a := Address{
		line1:    f.Line("line1", line1, true, MaxAddressFieldLen),
		line2:    f.Line("line2", line2, false, MaxAddressFieldLen),
		city:     f.Line("city", city, true, MaxAddressFieldLen),
		postcode: f.Line("postcode", postcode, true, MaxAddressFieldLen),
		country:  strings.ToUpper(strings.TrimSpace(country)),
	}
	f.Check("country", a.country == "", "is required")
	f.Check("country", !IsCountry(a.country), "must be an ISO 3166-1 alpha-2 country code such as GB or DE")
	if err := f.Err(errs.Invalid); err != nil {
		return Address{}, err
	}
	return a, nil
}

// StoredAddress is a delivery address as the persistence layer reads it
// back.
type StoredAddress struct {
	Line1, Line2, City, Postcode, Country string
}

// RestoreAddress rebuilds an Address from a stored row, which was valid when
// it was written; it checks nothing. Only the persistence layer should call it.
func RestoreAddress(s StoredAddress) Address {
	return Address{line1: s.Line1, line2: s.Line2, city: s.City, postcode: s.Postcode, country: s.Country}
}

// Line1 returns the first address line.
func (a Address) Line1() string { return a.line1 }

// Line2 returns the optional second address line ("" when unset).
func (a Address) Line2() string { return a.line2 }

// City returns the city or town.
func (a Address) City() string { return a.city }

// Postcode returns the postal code.
func (a Address) Postcode() string { return a.postcode }

// Country returns the ISO 3166-1 alpha-2 country code, upper-case.
func (a Address) Country() string { return a.country }

// Contract returns the address as the shared contract speaks it to other
// contexts.
func (a Address) Contract() contracts.Address {
	return contracts.Address{Line1: a.line1, Line2: a.line2, City: a.city, Postcode: a.postcode, Country: a.country}
}

// IsCountry reports whether code is an officially assigned ISO 3166-1 alpha-2
// code, in upper case.
func IsCountry(code string) bool {
	_, ok := countries[code]
	return ok
}
