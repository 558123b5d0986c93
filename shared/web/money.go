package web

import "strconv"

// Money is an amount in integer cents that encodes as the API writes money:
// a JSON number with two decimals, Money(2999) as 29.99 and Money(2990) as
// 29.90. Amounts are kept and added up in cents everywhere; they become
// decimals only here, on their way out, so no floating point ever touches
// them.
type Money int64

// MarshalJSON writes m as a JSON number with exactly two decimals.
func (m Money) MarshalJSON() ([]byte, error) {
	u := uint64(m)
	b := make([]byte, 0, 24) // room for the sign, 19 digits, the point and 2 decimals
	if m < 0 {
		b = append(b, '-')
		u = -u // two's complement: right for the most negative value too
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10)), nil
}
