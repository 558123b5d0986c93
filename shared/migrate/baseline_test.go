package migrate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
)

// The shop's old release: two files. The new release squashes them into a
// baseline, 0003 and 0004, which build the same schema from nothing, and
// adds 0005 after it.
var (
	retiredFiles = map[string]string{
		"0001_create_things.sql": shopFiles["0001_create_things.sql"],
		"0002_index_names.sql":   shopFiles["0002_index_names.sql"],
	}
	squashedFiles = map[string]string{
		// If Up ran these on a database that has the old files' schema,
		// they would fail: the table and the index exist.
		"0003_create_things.sql": `CREATE TABLE shop.things (id int PRIMARY KEY, name text NOT NULL)`,
		"0004_index_names.sql":   `CREATE INDEX things_name_idx ON shop.things (name)`,
		"0005_add_note.sql":      `ALTER TABLE shop.things ADD COLUMN note text`,
	}
)

func squashedSource(t *testing.T) migrate.Source {
	t.Helper()
	src := source(t, "shop", squashedFiles)
	src.Baseline = migrate.Baseline{Replaces: 2, Through: 4}
	return src
}

// history lists a database's shop history rows as "version name".
func history(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT version || ' ' || name FROM shop.schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func names(applied []migrate.Applied) string {
	var s []string
	for _, a := range applied {
		n := a.Name
		if a.Recorded {
			n += " (recorded)"
		}
		s = append(s, n)
	}
	return strings.Join(s, ",")
}

// shopSchema describes shop.things: its columns and its indexes.
func shopSchema(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), `SELECT
		(SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum)
		   FROM pg_attribute WHERE attrelid = 'shop.things'::regclass AND attnum > 0 AND NOT attisdropped)
		|| '; ' ||
		(SELECT string_agg(pg_get_indexdef(indexrelid), ', ' ORDER BY indexrelid::regclass::text)
		   FROM pg_index WHERE indrelid = 'shop.things'::regclass)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// A new database runs the baseline like any other files and then the files
// after it; its history starts at the baseline.
func TestBaselineRunsOnANewDatabase(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	applied, err := migrate.Up(context.Background(), pool, squashedSource(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(applied), "0003_create_things.sql,0004_index_names.sql,0005_add_note.sql"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	if got, want := strings.Join(history(t, pool), ","), "3 0003_create_things.sql,4 0004_index_names.sql,5 0005_add_note.sql"; got != want {
		t.Errorf("history %s, want %s", got, want)
	}
}

// A database at the retired files' head gets the baseline recorded, not run
// (running it would fail: the table exists), then the files after it run.
// Its schema is then a new database's, its old history rows stay, and the
// next run applies nothing.
func TestBaselineIsRecordedOnADatabaseAtTheRetiredHead(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Open(t, testdb.NewEmpty(t))
	if _, err := migrate.Up(ctx, pool, source(t, "shop", retiredFiles)); err != nil {
		t.Fatal(err)
	}
	applied, err := migrate.Up(ctx, pool, squashedSource(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(applied), "0003_create_things.sql (recorded),0004_index_names.sql (recorded),0005_add_note.sql"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	want := "1 0001_create_things.sql,2 0002_index_names.sql,3 0003_create_things.sql,4 0004_index_names.sql,5 0005_add_note.sql"
	if got := strings.Join(history(t, pool), ","); got != want {
		t.Errorf("history %s, want %s", got, want)
	}
	if n := count(t, pool, "SELECT count(*) FROM shop.schema_migrations WHERE version IN (3, 4) AND duration_ms = 0"); n != 2 {
		t.Errorf("%d recorded baseline rows with duration 0, want 2", n)
	}

	fresh := testdb.Open(t, testdb.NewEmpty(t))
	if _, err := migrate.Up(ctx, fresh, squashedSource(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := shopSchema(t, pool), shopSchema(t, fresh); got != want {
		t.Errorf("upgraded schema\n%s\nwant a new database's\n%s", got, want)
	}

	again, err := migrate.Up(ctx, pool, squashedSource(t))
	if err != nil || len(again) != 0 {
		t.Errorf("second run applied %v, %v; want nothing", again, err)
	}
}

// A database part-way through the retired files is refused, and left as it
// was: the baseline cannot tell what the missing files would have done.
func TestBaselineRefusesADatabasePartWay(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Open(t, testdb.NewEmpty(t))
	if _, err := migrate.Up(ctx, pool, source(t, "shop", map[string]string{
		"0001_create_things.sql": retiredFiles["0001_create_things.sql"],
	})); err != nil {
		t.Fatal(err)
	}
	applied, err := migrate.Up(ctx, pool, squashedSource(t))
	if !errors.Is(err, migrate.ErrRetired) {
		t.Fatalf("Up error = %v, want ErrRetired", err)
	}
	want := "migrate: shop: the newest applied migration is version 1 of the retired 1..2: database is part-way through retired migrations; upgrade it with a release that still has them, up to version 2, first"
	if err.Error() != want {
		t.Errorf("Up error\n%q\nwant\n%q", err, want)
	}
	if len(applied) != 0 {
		t.Errorf("Up applied %v despite the error", applied)
	}
	if got := strings.Join(history(t, pool), ","); got != "1 0001_create_things.sql" {
		t.Errorf("history %s, want only 0001", got)
	}
}

// A baseline that does not fit its source's files is a programming error,
// reported before anything runs.
func TestBaselineMustFitItsFiles(t *testing.T) {
	for _, b := range []migrate.Baseline{
		{Replaces: 1, Through: 4}, // the first file is 3, not 2
		{Replaces: 2, Through: 6}, // no file 6
		{Replaces: 2, Through: 2}, // replaces more than it holds
	} {
		pool := testdb.Open(t, testdb.NewEmpty(t))
		src := source(t, "shop", squashedFiles)
		src.Baseline = b
		if _, err := migrate.Up(context.Background(), pool, src); err == nil || !strings.Contains(err.Error(), "migrate: shop: baseline") {
			t.Errorf("Up with %+v: error %v, want one about the baseline", b, err)
		}
		if n := count(t, pool, "SELECT count(*) FROM pg_namespace WHERE nspname = 'shop'"); n != 0 {
			t.Errorf("Up with %+v created the schema", b)
		}
	}
}
