package pglocal

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// installDirs are where packages put PostgreSQL's server binaries when they
// are not on PATH; the * is the major version.
var installDirs = []string{
	"/usr/lib/postgresql/*/bin",          // Debian, Ubuntu
	"/usr/pgsql-*/bin",                   // RHEL, Fedora (PGDG)
	"/opt/homebrew/opt/postgresql@*/bin", // Homebrew, Apple silicon
	"/usr/local/opt/postgresql@*/bin",    // Homebrew, Intel
}

// findBinDir returns the directory holding initdb and postgres: dir itself if
// it is not "", else the directory of both on PATH, else the newest install
// directory.
func findBinDir(dir string) (string, error) {
	if dir != "" {
		if hasServerBinaries(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("pglocal: %w in %s; install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set DATABASE_URL to an existing server", ErrNoBinaries, dir)
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		if dir := filepath.Dir(initdb); hasServerBinaries(dir) {
			return dir, nil
		}
	}
	if dir := newestInstallDir(installDirs); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("pglocal: %w on PATH or in %s; install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set DATABASE_URL to an existing server", ErrNoBinaries, installDirs[0])
}

// newestInstallDir returns the directory matching one of the glob patterns
// that holds both binaries and has the highest version, or "".
func newestInstallDir(patterns []string) string {
	type candidate struct {
		dir     string
		version []int
	}
	var found []candidate
	for _, pattern := range patterns {
		dirs, _ := filepath.Glob(pattern)
		prefix, _, _ := strings.Cut(pattern, "*")
		for _, dir := range dirs {
			if !hasServerBinaries(dir) {
				continue
			}
			v, _, _ := strings.Cut(strings.TrimPrefix(dir, prefix), string(filepath.Separator))
			found = append(found, candidate{dir, parseVersion(v)})
		}
	}
	if len(found) == 0 {
		return ""
	}
	newest := slices.MaxFunc(found, func(a, b candidate) int {
		return cmp.Or(slices.Compare(a.version, b.version), cmp.Compare(a.dir, b.dir))
	})
	return newest.dir
}

// parseVersion turns "9.6" into [9 6]; what is not a number counts as -1, so
// "16" > "9.6" > "devel".
func parseVersion(s string) []int {
	var v []int
	for part := range strings.SplitSeq(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			n = -1
		}
		v = append(v, n)
	}
	return v
}

// hasServerBinaries reports whether dir holds executable initdb and postgres.
func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}
