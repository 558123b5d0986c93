// Package migrate applies a bounded context's SQL migrations to the context's
// own PostgreSQL schema. It is shared infrastructure: each context hands the
// runner a Source (its schema name and its ordered, embedded SQL files) and the
// app calls Up at start-up.
//
// Up serialises runners per schema with a PostgreSQL advisory lock, so any
// number of app instances may start at once and every migration is applied
// exactly once. Each file runs in its own transaction together with the row that
// records it in <schema>.schema_migrations, so a failing file leaves nothing
// behind. An applied file whose content changed, or an applied version whose file
// is gone, stops the run with an error naming the file.
//
// A source whose history has grown long can squash it into a Baseline: files
// that build the current schema from nothing, numbered after the ones they
// replace, which are then deleted.
package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
)

// A Source is one context's migrations: the schema they belong to and the SQL
// files, ordered by version.
type Source struct {
	Schema string
	Files  []File
	// Baseline, when set, says that the first files stand for retired ones.
	Baseline Baseline
}

// A Baseline squashes a source's history. Its files, versions Replaces+1
// through Through (the first of the source), build from nothing the schema
// that the retired files, versions 1 to Replaces, built; the source no longer
// holds those. Up runs the baseline's files on a new database like any others.
// On a database whose history ends exactly at Replaces it records them in one
// transaction without running them: that database already has their schema.
// A database part-way through the retired files is refused (ErrRetired): only
// a release that still has them can take it on to Replaces. The history rows
// of retired versions stay, unchecked.
type Baseline struct {
	Replaces int64 // the retired files' newest version
	Through  int64 // the baseline's newest file
}

// check reports a baseline that does not fit src's files.
func (b Baseline) check(src Source) error {
	if b == (Baseline{}) {
		return nil
	}
	if b.Replaces <= 0 || b.Through <= b.Replaces {
		return fmt.Errorf("migrate: %s: baseline replacing 1..%d through %d: want 0 < Replaces < Through", src.Schema, b.Replaces, b.Through)
	}
	if len(src.Files) == 0 || src.Files[0].Version != b.Replaces+1 {
		return fmt.Errorf("migrate: %s: baseline replacing 1..%d: want the first file numbered %d", src.Schema, b.Replaces, b.Replaces+1)
	}
	if !slices.ContainsFunc(src.Files, func(f File) bool { return f.Version == b.Through }) {
		return fmt.Errorf("migrate: %s: baseline through %d: no file has that version", src.Schema, b.Through)
	}
	return nil
}

// A File is one migration: version and name come from the file name
// (0002_add_tags.sql is version 2, name "0002_add_tags.sql").
type File struct {
	Version  int64
	Name     string
	SQL      string
	Checksum string // hex SHA-256 of SQL
}

var (
	schemaPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	filePattern   = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.sql$`)
)

// NewSource reads the migrations of schema from the directory dir of fsys.
// Every file in dir must be named NNNN_name.sql (lower case, digits and
// underscores); versions must be unique and greater than zero.
func NewSource(schema string, fsys fs.FS, dir string) (Source, error) {
	if !schemaPattern.MatchString(schema) {
		return Source{}, fmt.Errorf("migrate: invalid schema name %q: want lower-case letters, digits and underscores", schema)
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return Source{}, fmt.Errorf("migrate: %s: %w", schema, err)
	}
	src := Source{Schema: schema}
	seen := make(map[int64]string)
	for _, e := range entries {
		if e.IsDir() {
			return Source{}, fmt.Errorf("migrate: %s: unexpected directory %s in %s", schema, e.Name(), dir)
		}
		m := filePattern.FindStringSubmatch(e.Name())
		if m == nil {
			return Source{}, fmt.Errorf("migrate: %s: file %s: want a name like 0001_create_things.sql", schema, e.Name())
		}
		version, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || version <= 0 {
			return Source{}, fmt.Errorf("migrate: %s: file %s: version must be a positive number", schema, e.Name())
		}
		if other, ok := seen[version]; ok {
			return Source{}, fmt.Errorf("migrate: %s: files %s and %s share version %d", schema, other, e.Name(), version)
		}
		seen[version] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return Source{}, fmt.Errorf("migrate: %s: %w", schema, err)
		}
		sum := sha256.Sum256(body)
		src.Files = append(src.Files, File{
			Version:  version,
			Name:     e.Name(),
			SQL:      string(body),
			Checksum: hex.EncodeToString(sum[:]),
		})
	}
	if len(src.Files) == 0 {
		return Source{}, fmt.Errorf("migrate: %s: no migrations in %s", schema, dir)
	}
	sort.Slice(src.Files, func(i, j int) bool { return src.Files[i].Version < src.Files[j].Version })
	return src, nil
}

// MustSource is NewSource for migrations embedded in the binary, where a bad
// file name is a programming error caught by the first test run: it panics on
// error.
func MustSource(schema string, fsys fs.FS, dir string) Source {
	src, err := NewSource(schema, fsys, dir)
	if err != nil {
		panic(err)
	}
	return src
}
