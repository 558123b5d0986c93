package archtest

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// goPackage is one package of a workspace module with its test files folded
// in: the files of "p", "p [p.test]" and "p_test [p.test]" all belong to p.
type goPackage struct {
	Path   string    // import path
	Module *Module   // the module it belongs to
	Files  []*goFile // sorted by name
}

// goFile is one Go file of a package, with its import specs.
type goFile struct {
	Name    string   // relative to the workspace root, slash-separated
	Test    bool     // a _test.go file
	Package Position // the package clause
	Imports []importSpec
	// Strings are the file's string literals but its import paths, read
	// only in a context's data layer (rule 10).
	Strings []stringLit
}

// stringLit is one string literal of a file.
type stringLit struct {
	Text string   // as written, quotes and escapes included
	Pos  Position // the opening quote
}

// importSpec is one import spec of a file.
type importSpec struct {
	Path string   // the imported package path
	Pos  Position // the spec's position
}

// Position is a place in a file of the workspace.
type Position struct {
	File string `json:"file"` // relative to the workspace root, slash-separated
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String formats p as file:line:col.
func (p Position) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// advance returns the position just after text, which starts at p: a
// newline starts the next line, and columns count bytes, as go/token's do.
func (p Position) advance(text string) Position {
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		p.Line += strings.Count(text, "\n")
		p.Col = 1
		text = text[i+1:]
	}
	p.Col += len(text)
	return p
}

// loadMode is the lean mode: names, files, imports and modules; no types, no
// syntax, no compiled files. NeedDeps costs nothing extra (go list runs with
// -deps for NeedImports anyway) and gives the module of every imported
// package.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
	packages.NeedDeps | packages.NeedModule

// loaded is the result of loading a workspace.
type loaded struct {
	pkgs []*goPackage // sorted by path
	// modOf maps the path of every package in the import graph to its
	// module path; standard-library packages map to "".
	modOf map[string]string
	// cycles are the import-cycle errors. A cycle in a layered workspace
	// comes from a broken rule, so they do not stop the check: Check
	// reports them with the violations, or as an error if there is none.
	cycles []string
}

// loadPackages loads every package of every module ws uses, tests included,
// in one go/packages call, then reads the import specs of each file, and the
// string literals too in the packages of a context's data layer.
func loadPackages(ctx context.Context, ws *Workspace, cfg *Config) (*loaded, error) {
	patterns := make([]string, 0, len(ws.Modules))
	for _, m := range ws.Modules {
		rel, err := filepath.Rel(ws.Root, m.Dir)
		if err != nil {
			return nil, err
		}
		patterns = append(patterns, "./"+filepath.ToSlash(filepath.Join(rel, "..."))) // "./books/..."
	}
	pkgCfg := &packages.Config{
		Context: ctx,
		Mode:    loadMode,
		Dir:     ws.Root,
		Env:     append(os.Environ(), "GOWORK="+ws.GoWork),
		Tests:   true,
	}
	roots, err := packages.Load(pkgCfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %w", err)
	}

	var errs []string
	seenErr := map[string]bool{}
	l := &loaded{modOf: map[string]string{}}
	packages.Visit(roots, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			msg := e.Error()
			switch {
			case seenErr[msg]:
			case strings.Contains(e.Msg, "import cycle not allowed"):
				l.cycles = append(l.cycles, strings.TrimPrefix(msg, "-: "))
			default:
				errs = append(errs, msg)
			}
			seenErr[msg] = true
		}
		if p.Module != nil {
			l.modOf[p.PkgPath] = p.Module.Path
		} else if _, ok := l.modOf[p.PkgPath]; !ok {
			l.modOf[p.PkgPath] = ""
		}
	})
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("loading packages:\n\t%s", strings.Join(errs, "\n\t"))
	}

	byPath := map[string]*goPackage{}
	files := map[string]bool{} // absolute file names already folded in
	for _, p := range roots {
		if p.Name == "main" && strings.HasSuffix(p.ID, ".test") {
			continue // the generated test main
		}
		if p.Module == nil {
			return nil, fmt.Errorf("package %s belongs to no module", p.PkgPath)
		}
		m := ws.byPath[p.Module.Path]
		if m == nil {
			return nil, fmt.Errorf("package %s belongs to module %s, which go.work does not use", p.PkgPath, p.Module.Path)
		}
		path := p.PkgPath
		if strings.HasSuffix(p.Name, "_test") {
			path = strings.TrimSuffix(path, "_test") // the external test package
		}
		pkg := byPath[path]
		if pkg == nil {
			pkg = &goPackage{Path: path, Module: m}
			byPath[path] = pkg
		}
		for _, f := range p.GoFiles {
			if !files[f] {
				files[f] = true
				pkg.Files = append(pkg.Files, &goFile{Name: f})
			}
		}
	}

	counts := map[*Module]int{}
	for _, pkg := range byPath {
		counts[pkg.Module]++
		l.pkgs = append(l.pkgs, pkg)
	}
	var empty []string
	for _, m := range ws.Modules {
		if counts[m] == 0 {
			empty = append(empty, m.Name)
		}
	}
	if len(empty) > 0 {
		return nil, fmt.Errorf("loading packages: no packages in module %s", strings.Join(empty, ", "))
	}
	sort.Slice(l.pkgs, func(i, j int) bool { return l.pkgs[i].Path < l.pkgs[j].Path })
	sort.Strings(l.cycles)

	fset := token.NewFileSet()
	for _, pkg := range l.pkgs {
		literals := inDataLayer(cfg, ws, pkg)
		for _, f := range pkg.Files {
			if err := readFile(fset, ws.Root, f, literals); err != nil {
				return nil, err
			}
		}
		sort.Slice(pkg.Files, func(i, j int) bool { return pkg.Files[i].Name < pkg.Files[j].Name })
	}
	return l, nil
}

// readFile parses the import block of f (whose Name is still absolute) and
// fills in its positions; Name becomes relative to root. With literals, it
// parses the whole file and collects its string literals too.
func readFile(fset *token.FileSet, root string, f *goFile, literals bool) error {
	mode := parser.ImportsOnly | parser.SkipObjectResolution
	if literals {
		mode = parser.SkipObjectResolution
	}
	af, err := parser.ParseFile(fset, f.Name, nil, mode)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, f.Name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is outside the workspace %s", f.Name, root)
	}
	f.Name = filepath.ToSlash(rel)
	f.Test = strings.HasSuffix(f.Name, "_test.go")
	pos := func(p token.Pos) Position {
		tp := fset.Position(p)
		return Position{File: f.Name, Line: tp.Line, Col: tp.Column}
	}
	f.Package = pos(af.Package)
	for _, spec := range af.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return errors.New(pos(spec.Pos()).String() + ": malformed import path")
		}
		f.Imports = append(f.Imports, importSpec{Path: path, Pos: pos(spec.Pos())})
	}
	if !literals {
		return nil
	}
	for _, d := range af.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue // import paths are no strings of the program
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				f.Strings = append(f.Strings, stringLit{Text: lit.Value, Pos: pos(lit.Pos())})
			}
			return true
		})
	}
	return nil
}
