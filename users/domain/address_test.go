package domain_test

import (
	"errors"
	"strings"
	"testing"

	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/users/domain"
	"github.com/google/go-cmp/cmp"
)

func TestNewAddress(t *testing.T) {
	t.Parallel()
	a, err := domain.NewAddress(" 1 High Street ", "  ", " Oxford", "OX1 1AA ", " gb ")
	if err != nil {
		t.Fatalf("NewAddress: %v", err)
	}
	want := contracts.Address{Line1: "1 High Street", Line2: "", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"}
	if diff := cmp.Diff(want, a.Contract()); diff != "" {
		t.Errorf("address (-want +got):\n%s", diff)
	}
	got := contracts.Address{Line1: a.Line1(), Line2: a.Line2(), City: a.City(), Postcode: a.Postcode(), Country: a.Country()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("address by getters (-want +got):\n%s", diff)
	}
	restored := domain.RestoreAddress(domain.StoredAddress{Line1: "1 High Street", City: "Oxford", Postcode: "OX1 1AA", Country: "GB"})
	if restored != a {
		t.Errorf("RestoreAddress = %+v, want %+v", restored, a)
	}
}

func TestNewAddressValidation(t *testing.T) {
	t.Parallel()
	type fields struct{ line1, line2, city, postcode, country string }
	ok := fields{"1 High Street", "Flat 2", "Oxford", "OX1 1AA", "GB"}
	with := func(change func(*fields)) fields {
		f := ok
		change(&f)
		return f
	}
	long := strings.Repeat("x", 201)
	longest := strings.Repeat("ß", 200)
	tests := []struct {
		name string
		in   fields
		want map[string]string // nil: valid
	}{
		{name: "valid", in: ok},
		{name: "no line2", in: with(func(f *fields) { f.line2 = "" })},
		{name: "fields of 200 characters", in: fields{longest, longest, longest, longest, "de"}},
		{name: "lower-case country", in: with(func(f *fields) { f.country = "nz" })},
		{name: "country assigned in 2011 (South Sudan)", in: with(func(f *fields) { f.country = "SS" })},

		{name: "line1 missing", in: with(func(f *fields) { f.line1 = "" }),
			want: map[string]string{"line1": "is required"}},
		{name: "city blank", in: with(func(f *fields) { f.city = "   " }),
			want: map[string]string{"city": "is required"}},
		{name: "postcode missing", in: with(func(f *fields) { f.postcode = "" }),
			want: map[string]string{"postcode": "is required"}},
		{name: "country missing", in: with(func(f *fields) { f.country = "" }),
			want: map[string]string{"country": "is required"}},
		{name: "line1 too long", in: with(func(f *fields) { f.line1 = long }),
			want: map[string]string{"line1": "must be at most 200 characters"}},
		{name: "line2 too long", in: with(func(f *fields) { f.line2 = long }),
			want: map[string]string{"line2": "must be at most 200 characters"}},
		{name: "city too long", in: with(func(f *fields) { f.city = long }),
			want: map[string]string{"city": "must be at most 200 characters"}},
		{name: "postcode too long", in: with(func(f *fields) { f.postcode = long }),
			want: map[string]string{"postcode": "must be at most 200 characters"}},
		{name: "line2 with a control character", in: with(func(f *fields) { f.line2 = "Flat\n2" }),
			want: map[string]string{"line2": "must not contain control characters"}},
		{name: "country UK (not ISO: GB is)", in: with(func(f *fields) { f.country = "UK" }),
			want: map[string]string{"country": "must be an ISO 3166-1 alpha-2 country code such as GB or DE"}},
		{name: "country alpha-3", in: with(func(f *fields) { f.country = "GBR" }),
			want: map[string]string{"country": "must be an ISO 3166-1 alpha-2 country code such as GB or DE"}},
		{name: "country user-assigned XK", in: with(func(f *fields) { f.country = "XK" }),
			want: map[string]string{"country": "must be an ISO 3166-1 alpha-2 country code such as GB or DE"}},
		{name: "country reserved EU", in: with(func(f *fields) { f.country = "EU" }),
			want: map[string]string{"country": "must be an ISO 3166-1 alpha-2 country code such as GB or DE"}},
		{name: "country name", in: with(func(f *fields) { f.country = "Germany" }),
			want: map[string]string{"country": "must be an ISO 3166-1 alpha-2 country code such as GB or DE"}},
		{name: "every field at fault", in: fields{"", long, "", "", "ZZ"},
			want: map[string]string{
				"line1":    "is required",
				"line2":    "must be at most 200 characters",
				"city":     "is required",
				"postcode": "is required",
				"country":  "must be an ISO 3166-1 alpha-2 country code such as GB or DE",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			_, err := domain.NewAddress(in.line1, in.line2, in.city, in.postcode, in.country)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewAddress(%+v) = %v, want success", in, err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("NewAddress(%+v) error = %v, want errs.Invalid", in, err)
			}
			if diff := cmp.Diff(tt.want, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCountries checks the embedded list: exactly the 249 assigned codes,
// found among all 676 two-letter combinations.
func TestCountries(t *testing.T) {
	t.Parallel()
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if domain.IsCountry(string([]rune{a, b})) {
				n++
			}
		}
	}
	if n != 249 {
		t.Errorf("%d country codes, want the 249 of ISO 3166-1", n)
	}
	for _, code := range []string{"AD", "AX", "BQ", "CW", "DE", "FR", "GB", "GG", "IM", "JE", "SS", "SX", "TL", "US", "ZW"} {
		if !domain.IsCountry(code) {
			t.Errorf("IsCountry(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"", "gb", "UK", "EU", "XK", "AN", "YU", "CS", "ZZ", "GBR", "G"} {
		if domain.IsCountry(code) {
			t.Errorf("IsCountry(%q) = true, want false", code)
		}
	}
}
