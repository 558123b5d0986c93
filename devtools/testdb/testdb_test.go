package testdb_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
	"example.com/bookapp/shared/migrate"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// shop returns a migration set whose SQL holds token, so that a new token
// makes a new template. Its shop.built row is written once, when the
// template is built; the pg_sleep makes builds that are not serialised
// overlap.
func shop(t *testing.T, token string) migrate.Source {
	t.Helper()
	src, err := migrate.NewSource("shop", fstest.MapFS{
		"m/0001_create_things.sql": {Data: []byte(`CREATE TABLE shop.things (id int PRIMARY KEY, name text NOT NULL)`)},
		"m/0002_create_built.sql": {Data: []byte(`-- ` + token + `
CREATE TABLE shop.built AS SELECT random() AS r, pg_sleep(0.2)::text AS slept`)},
	}, "m")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func newToken() string { return rand.Text() }

func TestNewGivesIsolatedMigratedDatabases(t *testing.T) {
	src := shop(t, newToken())
	a, b := testdb.New(t, src), testdb.New(t, src)

	if nameA, nameB := currentDatabase(t, a), currentDatabase(t, b); nameA == nameB {
		t.Fatalf("both pools are on database %s", nameA)
	}
	mustExec(t, a, "INSERT INTO shop.things (id, name) VALUES (1, 'only in a')")
	if got := queryInt(t, a, "SELECT count(*) FROM shop.things"); got != 1 {
		t.Errorf("a: %d things, want 1", got)
	}
	if got := queryInt(t, b, "SELECT count(*) FROM shop.things"); got != 0 {
		t.Errorf("b: %d things, want 0: a's row leaked into b", got)
	}
	if got := queryInt(t, b, "SELECT count(*) FROM shop.schema_migrations"); got != 2 {
		t.Errorf("b: %d migrations recorded, want 2", got)
	}
}

func TestTemplateIsBuiltOnce(t *testing.T) {
	src := shop(t, newToken())
	first, second := testdb.New(t, src), testdb.New(t, src)
	// The row written by the build is the same in both: one build.
	if r1, r2 := builtR(t, first), builtR(t, second); r1 != r2 {
		t.Errorf("shop.built.r = %v and %v: the template was built twice", r1, r2)
	}
}

func TestNewInParallel(t *testing.T) {
	src := shop(t, newToken())
	for i := range 12 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			pool := testdb.New(t, src)
			mustExec(t, pool, fmt.Sprintf("INSERT INTO shop.things (id, name) VALUES (%d, 'mine')", i))
			if got := queryInt(t, pool, "SELECT count(*) FROM shop.things"); got != 1 {
				t.Errorf("%d things, want only this test's 1", got)
			}
		})
	}
}

func TestDropsTheDatabaseOfAPassingTest(t *testing.T) {
	var names []string
	t.Run("new", func(t *testing.T) {
		names = append(names, currentDatabase(t, testdb.New(t, shop(t, "drop"))))
	})
	t.Run("empty", func(t *testing.T) {
		names = append(names, dbName(t, testdb.NewEmpty(t)))
	})
	observer := testdb.New(t, shop(t, "drop"))
	for _, name := range names {
		if got := queryInt(t, observer, "SELECT count(*) FROM pg_database WHERE datname = '"+name+"'"); got != 0 {
			t.Errorf("database %s still exists after its test passed", name)
		}
	}
}

func TestNewEmpty(t *testing.T) {
	pool := testdb.Open(t, testdb.NewEmpty(t))
	got := queryInt(t, pool, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`)
	if got != 0 {
		t.Errorf("%d relations outside the system schemas, want 0", got)
	}
	// It is usable for migrations.
	if _, err := migrate.Up(context.Background(), pool, shop(t, "empty")); err != nil {
		t.Fatalf("migrate.Up: %v", err)
	}
}

// TestKeepsTheDatabaseOfAFailingTest runs a failing test in another process
// on this test's server, and finds its database still there.
func TestKeepsTheDatabaseOfAFailingTest(t *testing.T) {
	observer := testdb.New(t, shop(t, "keep"))
	out, err := helper(t, "fail", observer, "")
	if err == nil {
		t.Fatalf("the failing helper test passed:\n%s", out)
	}
	m := regexp.MustCompile(`testdb: kept database (test_[0-9a-f]+) of the failed test: postgres://`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("the failing test's output does not name its kept database:\n%s", out)
	}
	name := string(m[1])
	if got := queryInt(t, observer, "SELECT count(*) FROM pg_database WHERE datname = '"+name+"'"); got != 1 {
		t.Errorf("database %s of the failed test is gone", name)
	}
	mustExec(t, observer, "DROP DATABASE "+name+" WITH (FORCE)")
}

// TestTemplateIsSharedByProcesses starts test binaries at once on this
// test's server, as go test ./... does: all use one template built once.
func TestTemplateIsSharedByProcesses(t *testing.T) {
	observer := testdb.New(t, shop(t, "observer"))
	token := newToken()
	const n = 4
	outs := make([][]byte, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			outs[i], errs[i] = helper(t, "build", observer, token)
			done <- i
		}()
	}
	for range n {
		<-done
	}
	var rs []string
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("helper %d: %v\n%s", i, errs[i], outs[i])
		}
		m := regexp.MustCompile(`built r=(\S+)`).FindSubmatch(outs[i])
		if m == nil {
			t.Fatalf("helper %d printed no r:\n%s", i, outs[i])
		}
		rs = append(rs, string(m[1]))
	}
	for _, r := range rs[1:] {
		if r != rs[0] {
			t.Errorf("processes saw shop.built.r = %v: the template was built more than once", rs)
			break
		}
	}
}

// TestHelper is the test that TestKeepsTheDatabaseOfAFailingTest and
// TestTemplateIsSharedByProcesses run in other processes.
func TestHelper(t *testing.T) {
	switch os.Getenv("TESTDB_HELPER") {
	case "fail":
		testdb.New(t, shop(t, "keep"))
		t.Fatal("failing on purpose")
	case "build":
		pool := testdb.New(t, shop(t, os.Getenv("TESTDB_TOKEN")))
		fmt.Printf("built r=%v\n", builtR(t, pool))
	}
}

// helper runs TestHelper in a new process on the server of pool.
func helper(t *testing.T, role string, pool *pgxpool.Pool, token string) ([]byte, error) {
	t.Helper()
	// Any database of the server will do as DATABASE_URL.
	u, err := url.Parse(pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/postgres"
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "TESTDB_HELPER="+role, "TESTDB_TOKEN="+token, "DATABASE_URL="+u.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.Bytes(), err
}

func builtR(t *testing.T, pool *pgxpool.Pool) float64 {
	t.Helper()
	var r float64
	if err := pool.QueryRow(context.Background(), "SELECT r FROM shop.built").Scan(&r); err != nil {
		t.Fatalf("read shop.built: %v", err)
	}
	return r
}

func currentDatabase(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var name string
	if err := pool.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, "test_") {
		t.Errorf("database name %q, want test_...", name)
	}
	return name
}

func dbName(t *testing.T, connString string) string {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.ConnConfig.Database
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryInt(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}
