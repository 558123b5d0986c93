package pglocal

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNewestInstallDir(t *testing.T) {
	root := t.TempDir()
	for dir, names := range map[string][]string{
		"9.6/bin": {"initdb", "postgres"},
		"15/bin":  {"initdb", "postgres"},
		"16/bin":  {"initdb", "postgres"},
		"10/bin":  {"initdb", "postgres"},
		"17/bin":  {"initdb"}, // no server: not a candidate
		"18/bin":  {"initdb", "postgres"},
	} {
		for _, name := range names {
			mode := os.FileMode(0o755)
			if dir == "18/bin" {
				mode = 0o644 // not executable: not a candidate
			}
			writeFile(t, filepath.Join(root, dir, name), mode)
		}
	}
	pattern := filepath.Join(root, "*", "bin")
	if got, want := newestInstallDir([]string{pattern}), filepath.Join(root, "16", "bin"); got != want {
		t.Errorf("newestInstallDir = %q, want %q", got, want)
	}
	if got := newestInstallDir([]string{filepath.Join(t.TempDir(), "*", "bin")}); got != "" {
		t.Errorf("newestInstallDir of nothing = %q, want \"\"", got)
	}
}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"16", []int{16}},
		{"9.6", []int{9, 6}},
		{"devel", []int{-1}},
	} {
		if got := parseVersion(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("parseVersion(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if slices.Compare(parseVersion("9.6"), parseVersion("15")) >= 0 {
		t.Error("9.6 does not sort before 15")
	}
}

func TestFindBinDirExplicit(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "initdb"), 0o755)
	writeFile(t, filepath.Join(dir, "postgres"), 0o755)
	if got, err := findBinDir(dir); err != nil || got != dir {
		t.Errorf("findBinDir(%q) = %q, %v; want the directory itself", dir, got, err)
	}
}

func writeFile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
}
