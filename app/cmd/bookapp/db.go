package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/books"
	"example.com/bookapp/devtools/pglocal"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/pgtx"
	"example.com/bookapp/users"
)

// devDatabase is the database bookapp uses inside its development cluster.
const devDatabase = "bookapp"

// contextNames are the bounded contexts, in the order serve wires them and
// migrate applies their migrations (they share no tables, so the order only
// makes logs predictable).
var contextNames = []string{"users", "books", "orders"}

// migrationsOf returns the migrations of the context name.
func migrationsOf(name string) migrate.Source {
	switch name {
	case "users":
		return users.Migrations()
	case "books":
		return books.Migrations()
	}
	return orders.Migrations()
}

// databases are the pools of the contexts a command works with: one per
// database, shared by the contexts whose URLs are the same.
type databases struct {
	byContext map[string]*pgxpool.Pool
	pools     []*pgxpool.Pool
	names     []string // of each pool: the contexts on it, "books,orders"
	close     func()
}

// pool returns the pool of the context name.
func (d *databases) pool(name string) *pgxpool.Pool { return d.byContext[name] }

// Ping pings every database, for /readyz.
func (d *databases) Ping(ctx context.Context) error {
	for _, p := range d.pools {
		if err := p.Ping(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Reset resets every pool (a retry after a connection ended under a read).
func (d *databases) Reset() {
	for _, p := range d.pools {
		p.Reset()
	}
}

// openDatabases opens a pool on the database of each of the contexts
// (BOOKAPP_<CONTEXT>_DATABASE_URL, else DATABASE_URL), waiting for each to
// answer. A context with no URL at all uses the development cluster in
// cfg.devData, which it starts (one cluster, one database, for all of them).
// close closes the pools and stops the cluster.
func openDatabases(ctx context.Context, cfg *config, contexts []string, log *slog.Logger) (*databases, error) {
	d := &databases{byContext: make(map[string]*pgxpool.Pool), close: func() {}}
	urls := make(map[string]string, len(contexts))
	var onDev []string
	for _, c := range contexts {
		if urls[c] = cfg.databaseURLOf(c); urls[c] == "" {
			onDev = append(onDev, c)
		}
	}
	if len(onDev) > 0 {
		url, stop, err := startDevCluster(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		d.close = stop
		for _, c := range onDev {
			urls[c] = url
		}
	}
	byURL := make(map[string]int) // url -> index in d.pools
	for _, c := range contexts {
		if i, ok := byURL[urls[c]]; ok {
			d.byContext[c] = d.pools[i]
			d.names[i] += "," + c
			continue
		}
		pool, err := openPool(ctx, cfg, urls[c], log)
		if err != nil {
			d.closeAll()
			return nil, fmt.Errorf("the %s context's database: %w", c, err)
		}
		byURL[urls[c]] = len(d.pools)
		d.byContext[c] = pool
		d.pools = append(d.pools, pool)
		d.names = append(d.names, c)
	}
	return d, nil
}

// openMigrated is openDatabases, then migrateAll on the same contexts.
func openMigrated(ctx context.Context, cfg *config, contexts []string, log *slog.Logger) (*databases, error) {
	dbs, err := openDatabases(ctx, cfg, contexts, log)
	if err != nil {
		return nil, err
	}
	if err := migrateAll(ctx, dbs, contexts, log); err != nil {
		dbs.closeAll()
		return nil, err
	}
	return dbs, nil
}

// closeAll closes the pools and stops the development cluster if one was
// started.
func (d *databases) closeAll() {
	for _, p := range d.pools {
		p.Close()
	}
	d.close()
}

// startDevCluster starts the development cluster in cfg.devData, creates
// its database, and returns its URL and how to stop it.
func startDevCluster(ctx context.Context, cfg *config, log *slog.Logger) (string, func(), error) {
	start := time.Now()
	cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: cfg.devData, Persistent: true})
	if err != nil {
		return "", nil, fmt.Errorf("no database URL, and the development cluster did not start: %w", err)
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.Stop(sctx); err != nil {
			log.Error("stop development cluster", slog.Any("err", err))
			return
		}
		log.Info("development cluster stopped", slog.String("dir", cfg.devData))
	}
	if err := createDatabase(ctx, cluster.URL("postgres"), devDatabase); err != nil {
		stop()
		return "", nil, err
	}
	url := cluster.URL(devDatabase)
	log.Info("development cluster started", slog.String("dir", cfg.devData),
		slog.String("url", url), slog.Duration("took", time.Since(start)))
	return url, stop, nil
}

// openPool returns a pool on the database at url once it answers.
func openPool(ctx context.Context, cfg *config, url string, log *slog.Logger) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, usageError{fmt.Sprintf("invalid database URL: %v", err)} // pgx masks the password
	}
	// While the database is away, requests must fail fast (503) rather than
	// wait for TCP to give up: a connection attempt gets a second (a
	// connect_timeout in the URL wins), and so does the liveness ping the
	// pool sends on a connection that sat idle before handing it out
	// (pool_ping_timeout wins). Connections the server closed are then
	// dropped, and new ones are made as soon as it is back.
	if pcfg.ConnConfig.ConnectTimeout == 0 {
		pcfg.ConnConfig.ConnectTimeout = time.Second
	}
	if pcfg.PingTimeout == 0 {
		pcfg.PingTimeout = time.Second
	}
	// pgxpool's default of max(4, cores) connections makes requests queue for
	// a connection while PostgreSQL, on the same cores, still has CPU to
	// spare; four per core keeps it busy without thrashing. A pool_max_conns
	// in the URL wins.
	if !strings.Contains(url, "pool_max_conns") {
		pcfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	pcfg.AfterConnect = pgtx.RegisterUUID // ids as sixteen bytes, not text (the background pool copies it)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	if err := waitForDB(ctx, pool, cfg.dbWait, log); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// backgroundConns is the size of the background pool: one connection for
// the relay of each consumer of orders' outbox (one today), one for the
// cleaners and the metrics' statistics, one spare. (The relays' listening
// connection leaves the pool once taken.)
const backgroundConns = 3

// openBackground opens the pool of the app's background work (relaying
// events, consuming them, cleaning up) on the request pool's database and
// settings, but with connections of its own: when requests queue for the
// request pool's connections, as they do under load by design, a relay that
// queued with them would wait for a connection three times a round, and
// measured under the load scenario that tripled the events' commit-to-effect
// latency (docs/performance.md).
func openBackground(ctx context.Context, requests *pgxpool.Pool) (*pgxpool.Pool, error) {
	cfg := requests.Config()
	cfg.MaxConns = backgroundConns
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open the background pool: %w", err)
	}
	return pool, nil
}

// waitForDB pings until the database answers or wait has passed.
func waitForDB(ctx context.Context, pool *pgxpool.Pool, wait time.Duration, log *slog.Logger) error {
	deadline := time.Now().Add(wait)
	backoff := 100 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := pool.Ping(pctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("database did not answer within %s: %w", wait, err)
		}
		log.Warn("waiting for the database", slog.Any("err", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// createDatabase creates the database name on the server at adminURL unless it
// exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the development cluster: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// migrateAll applies the pending migrations of each of the contexts on its
// database and logs each one.
func migrateAll(ctx context.Context, dbs *databases, contexts []string, log *slog.Logger) error {
	start := time.Now()
	n := 0
	for _, c := range contexts {
		applied, err := migrate.Up(ctx, dbs.pool(c), migrationsOf(c))
		for _, a := range applied {
			log.Info("migration applied", slog.String("schema", a.Schema), slog.String("file", a.Name),
				slog.Duration("took", a.Duration))
		}
		if err != nil {
			return err
		}
		n += len(applied)
	}
	log.Info("migrations up to date", slog.Int("applied", n), slog.Duration("took", time.Since(start)))
	return nil
}
