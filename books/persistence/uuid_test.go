package persistence_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// BenchmarkUUID measures what sending and scanning an id as uuid.UUID costs
// against a [16]byte: pgx prefers uuid.UUID's driver.Valuer and sql.Scanner,
// which go through the uuid's text form. The stores use uuid.UUID, the
// type their callers have; docs/performance.md records why the difference
// does not earn a cast.
// Run it on its own: go test -run '^$' -bench UUID -count 5 ./persistence/
func BenchmarkUUID(b *testing.B) {
	m := pgtype.NewMap()
	id := uuid.Must(uuid.NewV7())
	wire := id[:]
	var dst uuid.UUID
	for _, c := range []struct {
		name   string
		value  any // encoded
		target any // scanned into
	}{
		{"uuid.UUID", id, &dst},
		{"[16]byte", [16]byte(id), (*[16]byte)(&dst)},
	} {
		b.Run("encode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 64)
			for b.Loop() {
				if _, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, c.value, buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("scan/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, wire, c.target); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
