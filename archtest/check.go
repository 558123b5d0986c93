package archtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Default file names, at the workspace root.
const (
	ConfigFileName     = "archtest.json"
	ExceptionsFileName = "archtest-exceptions.json"
)

// Options says which workspace to check and with which files.
type Options struct {
	// Dir is where to look for go.work (it or the nearest directory above
	// it); "" means the current directory. GoWork, if set, wins.
	Dir string
	// GoWork is the go.work file to check.
	GoWork string
	// ConfigFile is the config file; "" means archtest.json at the
	// workspace root, or the built-in defaults if there is none.
	ConfigFile string
	// ExceptionsFile is the exceptions file; "" means
	// archtest-exceptions.json at the workspace root, or none if there is
	// none.
	ExceptionsFile string
}

// Report is the outcome of a check.
type Report struct {
	Root       string      // the workspace root
	Packages   int         // packages checked, test packages folded in
	Violations []Violation // sorted; stale exceptions included
	Allowed    []Violation // violations an exception allows, sorted
	// Cycles are the import cycles the go command found. They come with at
	// least one violation (a layered graph has no cycle); a cycle without a
	// violation makes Check fail instead.
	Cycles []string
	Graph  *Graph
}

// Check loads the workspace that opts designates and applies the rules. An
// error means the check could not run (no workspace, a bad config or
// exceptions file, a package that does not load); broken rules are in the
// report.
func Check(ctx context.Context, opts Options) (*Report, error) {
	goWork := opts.GoWork
	if goWork == "" {
		dir := opts.Dir
		if dir == "" {
			dir = "."
		}
		var err error
		if goWork, err = FindGoWork(dir); err != nil {
			return nil, err
		}
	}
	goWork, err := filepath.Abs(goWork)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(goWork)

	cfgFile, cfgOptional := opts.ConfigFile, opts.ConfigFile == ""
	if cfgOptional {
		cfgFile = filepath.Join(root, ConfigFileName)
	}
	cfg, err := LoadConfig(cfgFile, cfgOptional)
	if err != nil {
		return nil, err
	}
	ws, err := LoadWorkspace(goWork, cfg)
	if err != nil {
		return nil, err
	}
	exFile, exOptional := opts.ExceptionsFile, opts.ExceptionsFile == ""
	if exOptional {
		exFile = filepath.Join(root, ExceptionsFileName)
	}
	exs, err := LoadExceptions(exFile, displayName(root, exFile), exOptional)
	if err != nil {
		return nil, err
	}

	l, err := loadPackages(ctx, ws, cfg)
	if err != nil {
		return nil, err
	}
	sqlFiles, err := loadSQLFiles(ws)
	if err != nil {
		return nil, err
	}
	c := newChecker(cfg, ws, l.modOf)
	c.checkWork()
	for _, m := range ws.Modules {
		c.checkGoMod(m)
	}
	for _, pkg := range l.pkgs {
		c.checkPackage(pkg)
	}
	for _, f := range sqlFiles {
		c.checkSQLFile(f)
	}
	kept, allowed := applyExceptions(ws, exs, c.violations)
	if len(l.cycles) > 0 && len(kept) == 0 {
		return nil, fmt.Errorf("loading packages:\n\t%s", strings.Join(l.cycles, "\n\t"))
	}
	sortViolations(kept)
	sortViolations(allowed)
	return &Report{
		Root:       root,
		Packages:   len(l.pkgs),
		Violations: kept,
		Allowed:    allowed,
		Cycles:     l.cycles,
		Graph:      buildGraph(cfg, ws, l.pkgs, kept),
	}, nil
}

// displayName returns file relative to root if it is inside it, else file.
func displayName(root, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(os.PathSeparator) {
		return file
	}
	return filepath.ToSlash(rel)
}
