// Package testdb gives each test its own PostgreSQL database, created in tens
// of milliseconds by cloning a template database that already holds the
// test's migrations. It is developer tooling (module devtools): import it from
// _test.go files only.
//
// The server is the one DATABASE_URL names, if it is set (make test sets it
// for the whole run); otherwise testdb starts a throwaway cluster with pglocal
// the first time a test asks for a database, shared by every test of the
// process. A package that uses testdb should stop that cluster after its
// tests with a TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
// Templates are named after a hash of their migrations (tmpl_<hash>) and built
// at most once per server, even by test binaries running at the same time, so
// a change to a migration simply makes a new template. Over DATABASE_URL the
// user needs the CREATEDB privilege and PostgreSQL 13 or newer; templates
// stay on the server for the next run.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/pglocal"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/pgtx"
)

// New returns a pool on a new database that holds the migrations of sources,
// applied in the order given. The database is dropped when the test and its
// subtests end, unless the test failed: then it is kept, and its name and URL
// are logged for inspection. The test closes the pool only if it wants to
// before then.
func New(tb testing.TB, sources ...migrate.Source) *pgxpool.Pool {
	tb.Helper()
	ctx := context.Background()
	url := create(tb, sources)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	cfg.MaxConns = 10
	cfg.AfterConnect = pgtx.RegisterUUID // as the app's pools do
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatalf("testdb: open pool: %v", err)
	}
	tb.Cleanup(pool.Close) // runs before the drop registered by create
	if err := pool.Ping(ctx); err != nil {
		tb.Fatalf("testdb: connect to the test database: %v", err)
	}
	return pool
}

// NewEmpty returns the connection URL of a new, empty database, for tests
// that run migrations themselves. It is dropped like New's; close every
// connection to it by then (pools closed by t.Cleanup registered after
// NewEmpty returns are).
func NewEmpty(tb testing.TB) string {
	tb.Helper()
	return create(tb, nil)
}

// Open opens a pool on url, a database from NewEmpty for example, and
// closes it when the test ends (before NewEmpty's drop, which was registered
// first).
func Open(tb testing.TB, url string) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	cfg.AfterConnect = pgtx.RegisterUUID
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("testdb: open a pool on %s: %v", url, err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// Main runs the tests of a package, stops the throwaway cluster if testdb
// started one, and exits with the tests' exit code. Call it from TestMain.
// Without it, the cluster dies with the test binary on Linux, and its
// directory is removed by the next throwaway cluster's start.
func Main(m *testing.M) {
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// create makes a database for tb from the template of sources (template0 if
// there are none), registers its removal, and returns its URL.
func create(tb testing.TB, sources []migrate.Source) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := processServer()
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	db, err := srv.newDatabase(ctx, sources)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("testdb: kept database %s of the failed test: %s%s", db.name, redact(db.url), srv.keepNote())
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.drop(ctx, db.name); err != nil {
			tb.Errorf("testdb: %v", err)
		}
	})
	return db.url
}

// process is the only package-level state: the server every test of the
// process shares, started on first use. Tests of one binary must share one
// cluster (starting one takes about a second), and testing.M offers no other
// place to keep it between TestMain and the tests.
var process struct {
	once sync.Once
	srv  *server
	err  error
}

// processServer returns the process's server, connecting to it or starting
// it on first use.
func processServer() (*server, error) {
	process.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		process.srv, process.err = connect(ctx, os.Getenv("DATABASE_URL"))
	})
	return process.srv, process.err
}

// shutdown closes the process's server, and keeps a test that is still
// running from starting another.
func shutdown() error {
	process.once.Do(func() { process.err = errors.New("tests are over: testdb.Main has returned") })
	if process.srv == nil {
		return nil
	}
	return process.srv.close()
}

// A server is the PostgreSQL server that holds the test databases.
type server struct {
	adminURL string
	admin    *pgxpool.Pool    // on adminURL's database, for CREATE and DROP DATABASE
	cluster  *pglocal.Cluster // the throwaway cluster testdb started, or nil
	strategy string           // the STRATEGY clause of CREATE DATABASE, or ""

	mu        sync.Mutex
	templates map[string]*template // by name
}

// A template is a template database, built at most once per process.
type template struct {
	once sync.Once
	err  error
}

// connect connects to the server at adminURL, or starts a throwaway cluster
// if adminURL is "".
func connect(ctx context.Context, adminURL string) (*server, error) {
	s := &server{adminURL: adminURL, templates: make(map[string]*template)}
	if adminURL == "" {
		c, err := pglocal.Start(ctx, pglocal.Options{FastUnsafe: true})
		if err != nil {
			return nil, fmt.Errorf("no DATABASE_URL, and no throwaway cluster: %w", err)
		}
		s.cluster, s.adminURL = c, c.URL("postgres")
	}
	cfg, err := pgxpool.ParseConfig(s.adminURL)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.MaxConns = 4
	if s.admin, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		s.close()
		return nil, err
	}
	var (
		version int
		fsync   bool
	)
	err = s.admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, current_setting('fsync')::bool").
		Scan(&version, &fsync)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("connect to %s: %w", redact(s.adminURL), err)
	}
	if version < 130000 {
		s.close()
		return nil, fmt.Errorf("the server at %s runs PostgreSQL %d; testdb needs 13 or newer", redact(s.adminURL), version/10000)
	}
	// FILE_COPY copies the template's files between two checkpoints; the
	// default since PostgreSQL 15, WAL_LOG, writes every block to the WAL.
	// Without fsync a checkpoint is cheap, and FILE_COPY was measured a
	// third faster (PostgreSQL 15, a small template in tmpfs: 16-19 ms
	// against 23-25 ms); with fsync the checkpoints would dominate.
	if version >= 150000 && !fsync {
		s.strategy = " STRATEGY FILE_COPY"
	}
	return s, nil
}

func (s *server) close() error {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cluster == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.cluster.Stop(ctx)
}

// A database is a test database.
type database struct {
	name, url string
}

// newDatabase creates a database from the template of sources.
func (s *server) newDatabase(ctx context.Context, sources []migrate.Source) (database, error) {
	tmpl := "template0"
	if len(sources) > 0 {
		tmpl = templateName(sources)
		if err := s.template(ctx, tmpl, sources); err != nil {
			return database{}, err
		}
	}
	db := database{name: "test_" + randomHex(8)}
	db.url = databaseURL(s.adminURL, db.name)
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+db.name+" TEMPLATE "+tmpl+s.strategy); err != nil {
		return database{}, fmt.Errorf("create database from %s: %w", tmpl, err)
	}
	return db, nil
}

// drop drops a test database, closing any connection left open to it.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// keepNote says how long a kept database lasts.
func (s *server) keepNote() string {
	if s.cluster == nil {
		return " (drop it when done)"
	}
	return " (on a throwaway cluster, gone when the test binary exits; run with DATABASE_URL to keep it)"
}

// template makes sure the template database name holds sources, building it
// once per process.
func (s *server) template(ctx context.Context, name string, sources []migrate.Source) error {
	s.mu.Lock()
	t, ok := s.templates[name]
	if !ok {
		t = new(template)
		s.templates[name] = t
	}
	s.mu.Unlock()
	t.once.Do(func() { t.err = s.buildTemplate(ctx, name, sources) })
	return t.err
}

// buildTemplate builds the template database name unless it exists. Test
// binaries of other packages may be doing the same at the same moment: an
// advisory lock keyed by the name makes one build and the others wait. The
// template is built under another name and renamed when complete, so a build
// that died halfway is never used.
func (s *server) buildTemplate(ctx context.Context, name string, sources []migrate.Source) (err error) {
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	key := lockKey(name)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("template %s: lock: %w", name, err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", key); uerr != nil {
			// Closing the session releases the lock.
			_ = conn.Conn().Close(uctx)
		}
	}()

	var isTemplate bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&isTemplate)
	switch {
	case err == nil && isTemplate:
		return nil
	case err == nil:
		// Not made by this code: start again.
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("template %s: drop the incomplete one: %w", name, err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("template %s: %w", name, err)
	}

	build := name + "_build"
	for _, sql := range []string{
		"DROP DATABASE IF EXISTS " + build + " WITH (FORCE)", // left by a build that died
		"CREATE DATABASE " + build + " TEMPLATE template0",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("template %s: %s: %w", name, sql, err)
		}
	}
	if err := migrateDatabase(ctx, databaseURL(s.adminURL, build), sources); err != nil {
		_, _ = conn.Exec(ctx, "DROP DATABASE "+build+" WITH (FORCE)")
		return fmt.Errorf("template %s: %w", name, err)
	}
	for _, sql := range []string{
		// No connections: CREATE DATABASE ... TEMPLATE fails while anyone
		// is connected to the template.
		"ALTER DATABASE " + build + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
		"ALTER DATABASE " + build + " RENAME TO " + name,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("template %s: %s: %w", name, sql, err)
		}
	}
	return nil
}

// migrateDatabase applies sources to the database at url.
func migrateDatabase(ctx context.Context, url string, sources []migrate.Source) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = migrate.Up(ctx, pool, sources...)
	return err
}

// templateName names the template of sources after a hash of everything
// that goes into it.
func templateName(sources []migrate.Source) string {
	h := sha256.New()
	fmt.Fprintf(h, "bookapp/testdb v1\n")
	for _, src := range sources {
		fmt.Fprintf(h, "schema %q %d\n", src.Schema, len(src.Files))
		for _, f := range src.Files {
			sum := sha256.Sum256([]byte(f.SQL))
			fmt.Fprintf(h, "file %d %q %x\n", f.Version, f.Name, sum)
		}
	}
	return "tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
}

// lockKey derives the advisory lock key of a template's build.
func lockKey(template string) int64 {
	sum := sha256.Sum256([]byte("bookapp/testdb:" + template))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// databaseURL returns adminURL with its database replaced by db. It accepts
// both forms PostgreSQL connection strings take: URLs and key=value lists.
func databaseURL(adminURL, db string) string {
	if strings.HasPrefix(adminURL, "postgres://") || strings.HasPrefix(adminURL, "postgresql://") {
		u, err := url.Parse(adminURL)
		if err == nil {
			u.Path, u.RawPath = "/"+db, ""
			return u.String()
		}
	}
	// In a key=value list the last dbname wins. db needs no quoting: it is
	// made of letters, digits and underscores.
	return strings.TrimSpace(adminURL) + " dbname=" + db
}

// redact returns a connection string without its password, for messages.
func redact(conn string) string {
	if u, err := url.Parse(conn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	if strings.Contains(conn, "password") {
		return "(DATABASE_URL's connection settings)"
	}
	return conn
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

// A Querier runs one statement: a *pgx.Conn or a *pgxpool.Pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// TerminateConnections has the server end every connection to db's database
// but db's own (pg_terminate_backend, SQLSTATE 57P01 on the connection's next
// use), as a failover or an administrator's restart does, and waits until
// they are gone. It returns how many it ended. Their pools are not told: an
// idle connection is dead until its pool next uses it.
func TerminateConnections(ctx context.Context, db Querier) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))
		FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n)
	return n, err
}

// OneConnection returns a pool of one connection to pool's database that
// never pings a connection on acquire (by default pgxpool pings one idle for
// over a second), and a func that opens that connection and has the server
// terminate it (through pool). A call made right after terminate therefore
// meets the dead connection however slow the machine is, and only the
// caller's own handling decides what happens.
func OneConnection(tb testing.TB, pool *pgxpool.Pool) (one *pgxpool.Pool, terminate func()) {
	tb.Helper()
	ctx := context.Background()
	cfg := pool.Config()
	cfg.MaxConns = 1
	cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatalf("testdb: one-connection pool: %v", err)
	}
	tb.Cleanup(one.Close)
	return one, func() {
		tb.Helper()
		if err := one.Ping(ctx); err != nil {
			tb.Fatalf("testdb: open the pool's connection: %v", err)
		}
		if n, err := TerminateConnections(ctx, pool); err != nil || n < 1 {
			tb.Fatalf("testdb: terminated %d connections (%v), want at least the pool's one", n, err)
		}
	}
}
