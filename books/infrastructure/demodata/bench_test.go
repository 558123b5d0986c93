package demodata

import (
	"testing"
	"time"
)

// BenchmarkBatch makes the rows of 10,000 books: the Go side of seeding.
func BenchmarkBatch(b *testing.B) {
	g := NewGenerator(DefaultSeed, time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		g.batch(i*10_000, (i+1)*10_000, time.Now())
	}
}
