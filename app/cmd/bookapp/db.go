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
	"example.com/bookapp/users"
)

// devDatabase is the database bookapp uses inside its development cluster.
const devDatabase = "bookapp"

// migrations lists every context's migrations, in the order they are applied.
// Contexts share no tables, so the order only makes logs predictable.
func migrations() []migrate.Source {
	return []migrate.Source{users.Migrations(), books.Migrations(), orders.Migrations()}
}

// openDB returns a pool on the configured database, or, without a database URL,
// on a development cluster that it starts in cfg.devData. The returned close
// function closes the pool and stops that cluster.
func openDB(ctx context.Context, cfg *config, log *slog.Logger) (*pgxpool.Pool, func(), error) {
	url := cfg.databaseURL
	stopCluster := func() {}
	if url == "" {
		start := time.Now()
		cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: cfg.devData, Persistent: true})
		if err != nil {
			return nil, nil, fmt.Errorf("no DATABASE_URL, and the development cluster did not start: %w", err)
		}
		stopCluster = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(sctx); err != nil {
				log.Error("stop development cluster", slog.Any("err", err))
				return
			}
			log.Info("development cluster stopped", slog.String("dir", cfg.devData))
		}
		if err := createDatabase(ctx, cluster.URL("postgres"), devDatabase); err != nil {
			stopCluster()
			return nil, nil, err
		}
		url = cluster.URL(devDatabase)
		log.Info("development cluster started", slog.String("dir", cfg.devData),
			slog.String("url", url), slog.Duration("took", time.Since(start)))
	}
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		stopCluster()
		return nil, nil, usageError{fmt.Sprintf("invalid database URL: %v", err)} // pgx masks the password
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
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		stopCluster()
		return nil, nil, fmt.Errorf("open database pool: %w", err)
	}
	closeAll := func() { pool.Close(); stopCluster() }
	if err := waitForDB(ctx, pool, cfg.dbWait, log); err != nil {
		closeAll()
		return nil, nil, err
	}
	return pool, closeAll, nil
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

// migrateAll applies every context's pending migrations and logs each one.
func migrateAll(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	start := time.Now()
	applied, err := migrate.Up(ctx, pool, migrations()...)
	for _, a := range applied {
		log.Info("migration applied", slog.String("schema", a.Schema), slog.String("file", a.Name),
			slog.Duration("took", a.Duration))
	}
	if err != nil {
		return err
	}
	log.Info("migrations up to date", slog.Int("applied", len(applied)), slog.Duration("took", time.Since(start)))
	return nil
}
