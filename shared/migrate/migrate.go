package migrate

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Applied reports one migration that Up applied.
type Applied struct {
	Schema   string
	Version  int64
	Name     string
	Duration time.Duration
	// Recorded is true for a baseline's file that Up recorded without
	// running it, on a database at the head of the files it replaces.
	Recorded bool
}

// ErrChanged reports an applied migration whose file content no longer matches
// the checksum recorded when it was applied. ErrMissing reports an applied
// version with no file, and ErrOutOfOrder a pending file older than an applied
// one, and ErrRetired a database part-way through the files a Baseline
// replaces. Up wraps them with the schema and file name.
var (
	ErrChanged    = errors.New("applied migration was changed")
	ErrMissing    = errors.New("applied migration has no file")
	ErrOutOfOrder = errors.New("pending migration is older than an applied one")
	ErrRetired    = errors.New("database is part-way through retired migrations")
)

// Up applies the pending migrations of each source, in the order given, and
// returns those it applied. It is idempotent: a second call applies nothing.
//
// For each source it holds a session-level advisory lock keyed by the schema
// name on one dedicated connection of pool; only under that lock does it create
// the schema and its history table, check the applied files against the
// source, and apply each pending file in its own transaction together with its
// history row.
func Up(ctx context.Context, pool *pgxpool.Pool, sources ...Source) ([]Applied, error) {
	var all []Applied
	for _, src := range sources {
		applied, err := up(ctx, pool, src)
		all = append(all, applied...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

func up(ctx context.Context, pool *pgxpool.Pool, src Source) (applied []Applied, err error) {
	if !schemaPattern.MatchString(src.Schema) {
		return nil, fmt.Errorf("migrate: invalid schema name %q", src.Schema)
	}
	if err := src.Baseline.check(src); err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %s: acquire connection: %w", src.Schema, err)
	}
	defer conn.Release()

	key := lockKey(src.Schema)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return nil, fmt.Errorf("migrate: %s: take advisory lock: %w", src.Schema, err)
	}
	defer func() {
		// Unlock even when ctx is done. If that fails, close the connection:
		// a pooled connection must never go back still holding the lock.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", key); uerr != nil {
			_ = conn.Conn().Close(uctx)
			if err == nil {
				err = fmt.Errorf("migrate: %s: release advisory lock: %w", src.Schema, uerr)
			}
		}
	}()

	schema := pgx.Identifier{src.Schema}.Sanitize()
	history := pgx.Identifier{src.Schema, "schema_migrations"}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return nil, fmt.Errorf("migrate: %s: create schema: %w", src.Schema, err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+history+` (
		version     bigint      PRIMARY KEY,
		name        text        NOT NULL,
		checksum    text        NOT NULL,
		applied_at  timestamptz NOT NULL DEFAULT now(),
		duration_ms bigint      NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("migrate: %s: create history table: %w", src.Schema, err)
	}

	done, err := appliedChecksums(ctx, conn.Conn(), history)
	if err != nil {
		return nil, fmt.Errorf("migrate: %s: read history: %w", src.Schema, err)
	}
	baseline, pending, err := plan(src, done)
	if err != nil {
		return nil, err
	}
	if len(baseline) > 0 {
		if err := recordBaseline(ctx, conn.Conn(), history, baseline); err != nil {
			return nil, fmt.Errorf("migrate: %s: record the baseline: %w", src.Schema, err)
		}
		for _, f := range baseline {
			applied = append(applied, Applied{Schema: src.Schema, Version: f.Version, Name: f.Name, Recorded: true})
		}
	}
	for _, f := range pending {
		d, err := apply(ctx, conn.Conn(), history, f)
		if err != nil {
			return applied, fmt.Errorf("migrate: %s: %s: %w", src.Schema, f.Name, err)
		}
		applied = append(applied, Applied{Schema: src.Schema, Version: f.Version, Name: f.Name, Duration: d})
	}
	return applied, nil
}

type record struct {
	name, checksum string
}

func appliedChecksums(ctx context.Context, conn *pgx.Conn, history string) (map[int64]record, error) {
	rows, err := conn.Query(ctx, "SELECT version, name, checksum FROM "+history)
	if err != nil {
		return nil, err
	}
	done := make(map[int64]record)
	var (
		version int64
		r       record
	)
	_, err = pgx.ForEachRow(rows, []any{&version, &r.name, &r.checksum}, func() error {
		done[version] = r
		return nil
	})
	return done, err
}

// plan checks the history against the source and returns the files to apply:
// baseline, the files of src.Baseline to record without running them (on a
// database at the head of the files it replaces), and pending, those to run.
func plan(src Source, done map[int64]record) (baseline, pending []File, err error) {
	files := make(map[int64]File, len(src.Files))
	for _, f := range src.Files {
		files[f.Version] = f
	}
	var retiredHead int64 // the newest applied version that the baseline replaces
	versions := make([]int64, 0, len(done))
	for v := range done {
		if v <= src.Baseline.Replaces {
			retiredHead = max(retiredHead, v)
			continue // history of deleted files: nothing to check it against
		}
		versions = append(versions, v)
	}
	slices.Sort(versions)
	if retiredHead > 0 && len(versions) == 0 {
		// The database predates the baseline.
		if retiredHead != src.Baseline.Replaces {
			return nil, nil, fmt.Errorf("migrate: %s: the newest applied migration is version %d of the retired 1..%d: %w; upgrade it with a release that still has them, up to version %d, first",
				src.Schema, retiredHead, src.Baseline.Replaces, ErrRetired, src.Baseline.Replaces)
		}
		for _, f := range src.Files {
			if f.Version <= src.Baseline.Through {
				baseline = append(baseline, f)
			}
		}
	}
	var newest int64
	for _, version := range versions {
		r := done[version]
		f, ok := files[version]
		if !ok {
			return nil, nil, fmt.Errorf("migrate: %s: %s (version %d): %w; restore the file, migrations are never deleted", src.Schema, r.name, version, ErrMissing)
		}
		if f.Checksum != r.checksum {
			return nil, nil, fmt.Errorf("migrate: %s: %s: %w (checksum %.12s… applied, %.12s… now); add a new migration instead of editing an applied one", src.Schema, f.Name, ErrChanged, r.checksum, f.Checksum)
		}
		newest = max(newest, version)
	}
	for _, f := range src.Files[len(baseline):] {
		if _, ok := done[f.Version]; ok {
			continue
		}
		if f.Version < newest {
			return nil, nil, fmt.Errorf("migrate: %s: %s: %w (version %d is applied); renumber it after the newest", src.Schema, f.Name, ErrOutOfOrder, newest)
		}
		pending = append(pending, f)
	}
	return baseline, pending, nil
}

// recordBaseline writes the history rows of files without running them, in one
// transaction, so a database has either all of a baseline's rows or none.
func recordBaseline(ctx context.Context, conn *pgx.Conn, history string, files []File) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	for _, f := range files {
		if _, err := tx.Exec(ctx,
			"INSERT INTO "+history+" (version, name, checksum, duration_ms) VALUES ($1, $2, $3, 0)",
			f.Version, f.Name, f.Checksum); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// apply runs one file and records it in one transaction.
func apply(ctx context.Context, conn *pgx.Conn, history string, f File) (time.Duration, error) {
	start := time.Now()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	// Without arguments pgx sends the simple protocol, so a file may hold more
	// than one statement.
	if _, err := tx.Exec(ctx, f.SQL); err != nil {
		return 0, err
	}
	d := time.Since(start)
	if _, err := tx.Exec(ctx,
		"INSERT INTO "+history+" (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
		f.Version, f.Name, f.Checksum, d.Milliseconds()); err != nil {
		return 0, fmt.Errorf("record in history: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	return d, nil
}

// lockKey derives the advisory lock key of a schema. The prefix keeps it apart
// from keys other code may derive from the same name.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("bookapp/migrate:" + schema))
	return int64(h.Sum64())
}
