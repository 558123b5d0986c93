package pgtx_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/pgtx"
)

// With RegisterUUID, ids go to PostgreSQL and back unchanged, alone, in
// arrays and as NULL; a NULL into a uuid.UUID is an error, not a zero id.
func TestRegisterUUID(t *testing.T) {
	ctx := context.Background()
	base := testdb.New(t)
	cfg := base.Config()
	cfg.AfterConnect = pgtx.RegisterUUID
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	a, b := uuid.Must(uuid.NewV7()), uuid.MustParse("00000000-0000-0000-0000-0000000000ff")
	var (
		got   uuid.UUID
		text  string
		ids   []uuid.UUID
		null  *uuid.UUID
		typed pgtype.UUID
	)
	if err := pool.QueryRow(ctx, `SELECT $1::uuid, $1::uuid::text, ARRAY[$1::uuid, $2::uuid], NULL::uuid, $2::uuid`, a, b).
		Scan(&got, &text, &ids, &null, &typed); err != nil {
		t.Fatal(err)
	}
	if got != a || text != a.String() || len(ids) != 2 || ids[0] != a || ids[1] != b || null != nil || typed.Bytes != b {
		t.Errorf("got %v, %q, %v, %v, %v; want %v, its text, [%v %v], nil, %v", got, text, ids, null, typed.Bytes, a, a, b, b)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM unnest($1::uuid[]) AS u WHERE u = ANY (ARRAY[$2::uuid, $3::uuid])`, []uuid.UUID{a, b, a}, a, b).Scan(&n); err != nil || n != 3 {
		t.Errorf("uuid[] argument: %d of 3 matched, %v", n, err)
	}
	if err := pool.QueryRow(ctx, `SELECT NULL::uuid`).Scan(&got); err == nil {
		t.Errorf("NULL scanned into a uuid.UUID as %v; want an error", got)
	}
}
