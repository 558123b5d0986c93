package web_test

import (
	"encoding/json"
	"math"
	"testing"

	"example.com/bookapp/shared/web"
)

func TestMoneyMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{2990, "29.90"},
		{2999, "29.99"},
		{1000000, "10000.00"},
		{-1, "-0.01"},
		{-2999, "-29.99"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(struct {
			Price web.Money `json:"price"`
		}{web.Money(tt.cents)})
		if err != nil {
			t.Fatalf("Marshal(%d): %v", tt.cents, err)
		}
		if got, want := string(b), `{"price":`+tt.want+`}`; got != want {
			t.Errorf("Money(%d) = %s, want %s", tt.cents, got, want)
		}
		var back float64
		if err := json.Unmarshal([]byte(tt.want), &back); err != nil {
			t.Errorf("%s is not a JSON number: %v", tt.want, err)
		}
	}
}
