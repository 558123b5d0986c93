package persistence_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// The store and the list send and scan ids as [16]byte, not as uuid.UUID:
// pgx encodes and decodes a [16]byte as a binary uuid directly, but a
// uuid.UUID is a driver.Valuer and an sql.Scanner, which pgx prefers, and
// both go through the uuid's text form. This test fails the day pgx handles
// uuid.UUID as cheaply (fewer allocations are the sign); then the casts can go.
func TestUUIDNeedsTheByteArrayCast(t *testing.T) {
	m := pgtype.NewMap()
	id := uuid.Must(uuid.NewV7())
	wire := id[:]
	encode := func(v any) float64 {
		return testing.AllocsPerRun(100, func() {
			if _, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, v, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	scan := func(target any) float64 {
		return testing.AllocsPerRun(100, func() {
			if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, wire, target); err != nil {
				t.Fatal(err)
			}
		})
	}
	var asUUID, asBytes uuid.UUID
	if u, b := encode(id), encode([16]byte(id)); u <= b {
		t.Errorf("encoding a uuid.UUID allocates %v times, a [16]byte %v: pgx no longer needs the cast", u, b)
	}
	if u, b := scan(&asUUID), scan((*[16]byte)(&asBytes)); u <= b {
		t.Errorf("scanning into a uuid.UUID allocates %v times, into a [16]byte %v: pgx no longer needs the cast", u, b)
	}
	if asUUID != id || asBytes != id {
		t.Errorf("scanned %v and %v, want %v", asUUID, asBytes, id)
	}
}

// BenchmarkUUID measures what the [16]byte casts save per id, each way.
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
