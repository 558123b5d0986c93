package migrate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// source builds a Source for schema from name → SQL pairs.
func source(t *testing.T, schema string, files map[string]string) migrate.Source {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, sql := range files {
		fsys["m/"+name] = &fstest.MapFile{Data: []byte(sql)}
	}
	src, err := migrate.NewSource(schema, fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

var shopFiles = map[string]string{
	"0001_create_things.sql": `CREATE TABLE shop.things (id int PRIMARY KEY, name text NOT NULL)`,
	"0002_index_names.sql":   `CREATE INDEX things_name_idx ON shop.things (name)`,
	// Not DDL, so running it twice would leave two rows rather than fail.
	"0003_seed_thing.sql": `INSERT INTO shop.things (id, name) SELECT coalesce(max(id), 0) + 1, 'seed' FROM shop.things`,
}

// Eight runners, each with its own pool as separate app instances would have,
// race on an empty database: all succeed and each migration runs exactly once.
func TestUpConcurrentRunnersApplyEachMigrationOnce(t *testing.T) {
	url := testdb.NewEmpty(t)
	src := source(t, "shop", shopFiles)
	const runners = 8
	pools := make([]*pgxpool.Pool, runners)
	for i := range pools {
		pools[i] = testdb.Open(t, url)
	}

	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		errs    = make([]error, runners)
		applied = make([][]migrate.Applied, runners)
	)
	for i := range runners {
		wg.Go(func() {
			<-start
			applied[i], errs[i] = migrate.Up(context.Background(), pools[i], src)
		})
	}
	close(start)
	wg.Wait()

	perFile := map[string]int{}
	for i := range runners {
		if errs[i] != nil {
			t.Errorf("runner %d: %v", i, errs[i])
		}
		for _, a := range applied[i] {
			perFile[a.Name]++
		}
	}
	for name := range shopFiles {
		if perFile[name] != 1 {
			t.Errorf("%s applied by %d runners, want exactly 1", name, perFile[name])
		}
	}
	if n := count(t, pools[0], "SELECT count(*) FROM shop.schema_migrations"); n != 3 {
		t.Errorf("history rows = %d, want 3", n)
	}
	if n := count(t, pools[0], "SELECT count(*) FROM shop.things"); n != 1 {
		t.Errorf("rows inserted by 0003 = %d, want 1", n)
	}
}

func TestUpIsIdempotentAndRecordsHistory(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	src := source(t, "shop", shopFiles)
	ctx := context.Background()

	first, err := migrate.Up(ctx, pool, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3 {
		t.Fatalf("first run applied %d migrations, want 3", len(first))
	}
	again, err := migrate.Up(ctx, pool, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("second run applied %v, want nothing", again)
	}

	rows, err := pool.Query(ctx, `SELECT version, name, checksum, applied_at IS NOT NULL, duration_ms >= 0
		FROM shop.schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var i int
	for rows.Next() {
		var (
			version        int64
			name, checksum string
			hasAt, hasDur  bool
		)
		if err := rows.Scan(&version, &name, &checksum, &hasAt, &hasDur); err != nil {
			t.Fatal(err)
		}
		want := src.Files[i]
		if version != want.Version || name != want.Name || checksum != want.Checksum || !hasAt || !hasDur {
			t.Errorf("history row %d = (%d, %s, %s, %t, %t), want (%d, %s, %s, true, true)",
				i, version, name, checksum, hasAt, hasDur, want.Version, want.Name, want.Checksum)
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != 3 {
		t.Errorf("history has %d rows, want 3", i)
	}
}

func TestUpAppliesOnlyNewFiles(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	ctx := context.Background()
	if _, err := migrate.Up(ctx, pool, source(t, "shop", map[string]string{
		"0001_create_things.sql": shopFiles["0001_create_things.sql"],
	})); err != nil {
		t.Fatal(err)
	}
	applied, err := migrate.Up(ctx, pool, source(t, "shop", shopFiles))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range applied {
		names = append(names, a.Name)
	}
	if got, want := strings.Join(names, ","), "0002_index_names.sql,0003_seed_thing.sql"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
}

func TestUpRefusesChangedMissingAndOutOfOrderFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		err   error
		want  string // in the message, naming the file
	}{
		{
			name: "changed checksum",
			files: map[string]string{
				"0001_create_things.sql": shopFiles["0001_create_things.sql"] + " -- edited",
				"0002_index_names.sql":   shopFiles["0002_index_names.sql"],
			},
			err:  migrate.ErrChanged,
			want: "migrate: shop: 0001_create_things.sql: applied migration was changed",
		},
		{
			name: "missing file",
			files: map[string]string{
				"0001_create_things.sql": shopFiles["0001_create_things.sql"],
			},
			err:  migrate.ErrMissing,
			want: "migrate: shop: 0002_index_names.sql (version 2): applied migration has no file",
		},
		{
			name: "out of order",
			files: map[string]string{
				"0001_create_things.sql": shopFiles["0001_create_things.sql"],
				"0002_index_names.sql":   shopFiles["0002_index_names.sql"],
				"0004_late.sql":          "SELECT 1",
				"0005_later.sql":         "SELECT 1",
			},
			err:  migrate.ErrOutOfOrder,
			want: "migrate: shop: 0004_late.sql: pending migration is older than an applied one",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := testdb.Open(t, testdb.NewEmpty(t))
			ctx := context.Background()
			applied := map[string]string{
				"0001_create_things.sql": shopFiles["0001_create_things.sql"],
				"0002_index_names.sql":   shopFiles["0002_index_names.sql"],
			}
			if tt.err == migrate.ErrOutOfOrder {
				// 0005 applied, then a 0004 shows up.
				applied["0005_later.sql"] = "SELECT 1"
			}
			if _, err := migrate.Up(ctx, pool, source(t, "shop", applied)); err != nil {
				t.Fatal(err)
			}
			got, err := migrate.Up(ctx, pool, source(t, "shop", tt.files))
			if !errors.Is(err, tt.err) {
				t.Fatalf("Up error = %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Up error = %q, want it to contain %q", err, tt.want)
			}
			if len(got) != 0 {
				t.Errorf("Up applied %v despite the error", got)
			}
		})
	}
}

// A failing file leaves neither its earlier statements nor a history row, and
// the error names the file and carries PostgreSQL's message. Once the file is
// fixed, the next run applies it.
func TestUpFailingMigrationLeavesNoPartialState(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	ctx := context.Background()
	files := map[string]string{
		"0001_create_things.sql": shopFiles["0001_create_things.sql"],
		"0002_broken.sql": `CREATE TABLE shop.half (id int);
			INSERT INTO shop.things (id, name) VALUES (1, 'one');
			ALTER TABLE shop.nowhere ADD COLUMN x int;`,
	}
	applied, err := migrate.Up(ctx, pool, source(t, "shop", files))
	if err == nil {
		t.Fatal("Up succeeded with a broken migration")
	}
	for _, want := range []string{"migrate: shop: 0002_broken.sql:", `relation "shop.nowhere" does not exist`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if len(applied) != 1 || applied[0].Name != "0001_create_things.sql" {
		t.Errorf("applied = %v, want only 0001_create_things.sql", applied)
	}
	if n := count(t, pool, "SELECT count(*) FROM shop.schema_migrations"); n != 1 {
		t.Errorf("history rows = %d, want 1", n)
	}
	if n := count(t, pool, "SELECT count(*) FROM pg_tables WHERE schemaname = 'shop' AND tablename = 'half'"); n != 0 {
		t.Error("shop.half exists: the failed migration left a partial change")
	}
	if n := count(t, pool, "SELECT count(*) FROM shop.things"); n != 0 {
		t.Errorf("shop.things has %d rows, want 0", n)
	}

	files["0002_broken.sql"] = `CREATE TABLE shop.half (id int)`
	applied, err = migrate.Up(ctx, pool, source(t, "shop", files))
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 1 || applied[0].Name != "0002_broken.sql" {
		t.Errorf("after the fix applied = %v, want 0002_broken.sql", applied)
	}
}

// Sources for different schemas keep separate histories.
func TestUpKeepsSchemasApart(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	ctx := context.Background()
	a := source(t, "alpha", map[string]string{"0001_t.sql": "CREATE TABLE alpha.t (id int)"})
	b := source(t, "beta", map[string]string{
		"0001_t.sql": "CREATE TABLE beta.t (id int)",
		"0002_u.sql": "CREATE TABLE beta.u (id int)",
	})
	applied, err := migrate.Up(ctx, pool, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 3 {
		t.Errorf("applied %d, want 3", len(applied))
	}
	if n := count(t, pool, "SELECT count(*) FROM alpha.schema_migrations"); n != 1 {
		t.Errorf("alpha history = %d rows, want 1", n)
	}
	if n := count(t, pool, "SELECT count(*) FROM beta.schema_migrations"); n != 2 {
		t.Errorf("beta history = %d rows, want 2", n)
	}
}
