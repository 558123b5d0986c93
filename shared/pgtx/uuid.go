package pgtx

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterUUID teaches conn's type map google/uuid's UUID, the id type of
// every context: a uuid column then scans into a uuid.UUID, and a uuid.UUID
// argument is sent, as the sixteen bytes both are. Without it pgx meets a
// uuid.UUID as a database/sql Scanner and Valuer, and formats each id as
// text to parse it back (profiled: 4–5 % of the app's CPU for a page of
// 100 books). Set it as every pool's AfterConnect:
//
//	cfg.AfterConnect = pgtx.RegisterUUID
//
// Other targets (pgtype.UUID, a string, NULL into a *uuid.UUID) keep pgx's
// own plans.
func RegisterUUID(_ context.Context, conn *pgx.Conn) error {
	m := conn.TypeMap()
	t := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	m.RegisterType(t)
	// The array type keeps a pointer to its element's type: register it
	// again, on the new one, so uuid[] arguments and columns use it too.
	m.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: t}})
	return nil
}

// uuidCodec is pgx's UUIDCodec, with binary plans for uuid.UUID.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return encodeUUID{}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok && format == pgtype.BinaryFormatCode {
		return scanUUID{}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type encodeUUID struct{}

func (encodeUUID) Encode(value any, buf []byte) ([]byte, error) {
	id := value.(uuid.UUID)
	return append(buf, id[:]...), nil
}

type scanUUID struct{}

func (scanUUID) Scan(src []byte, dst any) error {
	switch len(src) {
	case 16:
		copy(dst.(*uuid.UUID)[:], src)
		return nil
	case 0:
		if src == nil {
			return fmt.Errorf("cannot scan NULL into %T", dst)
		}
	}
	return fmt.Errorf("invalid length for uuid: %d", len(src))
}
