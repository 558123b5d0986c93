package archtest_test

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"example.com/bookapp/archtest"
	"github.com/google/go-cmp/cmp"
)

// projectGoWork is the workspace this module belongs to: bookapp itself.
const projectGoWork = "../go.work"

// TestProject runs archtest on bookapp: the project keeps its own rules.
func TestProject(t *testing.T) {
	r, err := archtest.Check(context.Background(), archtest.Options{GoWork: projectGoWork})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Violations) > 0 {
		var b strings.Builder
		_ = r.WriteText(&b, false)
		t.Errorf("bookapp breaks its architecture rules:\n%s", b.String())
	}
}

// TestProjectGraphInREADME checks that the dependency graphs drawn in the
// READMEs are what archtest -graph mermaid prints now, so the pictures
// cannot go stale.
func TestProjectGraphInREADME(t *testing.T) {
	r, err := archtest.Check(context.Background(), archtest.Options{GoWork: projectGoWork})
	if err != nil {
		t.Fatal(err)
	}
	var graph strings.Builder
	if err := r.Graph.WriteMermaid(&graph); err != nil { // what the -graph mermaid flag writes
		t.Fatal(err)
	}
	for _, readme := range []struct{ file, heading string }{
		{"../README.md", "## The architecture in one picture"},
		{"README.md", "## The graph"},
	} {
		block, err := mermaidBlock(readme.file, readme.heading)
		if err != nil {
			t.Error(err)
			continue
		}
		if diff := cmp.Diff(block, graph.String()); diff != "" {
			t.Errorf("%s: the graph under %q is not bookapp's graph today; run\n"+
				"\tgo run ./archtest/cmd/archtest -graph mermaid 2>/dev/null\n"+
				"from the workspace root and paste its output into the mermaid block (-README +archtest):\n%s",
				readme.file, readme.heading, diff)
		}
	}
}

// mermaidBlock returns the content of the first ```mermaid block in the
// section of file that starts with the heading line, with a newline after
// each line, as WriteMermaid writes it.
func mermaidBlock(file, heading string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	lines := strings.Split(string(data), "\n")
	start := slices.Index(lines, heading)
	if start < 0 {
		return "", fmt.Errorf("%s: no heading %q", file, heading)
	}
	var block strings.Builder
	in := false
	for _, line := range lines[start+1:] {
		switch {
		case !in && strings.HasPrefix(line, "## "):
			return "", fmt.Errorf("%s: no mermaid block under %q", file, heading)
		case !in && line == "```mermaid":
			in = true
		case in && line == "```":
			return block.String(), nil
		case in:
			block.WriteString(line + "\n")
		}
	}
	return "", fmt.Errorf("%s: no complete mermaid block under %q", file, heading)
}

// TestProjectInjections copies bookapp, breaks one rule in the copy, and
// checks that archtest reports it at the right file and line: the rules work
// on the real layout, not only on fixtures.
func TestProjectInjections(t *testing.T) {
	src, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const line = 3 // the import line of every injected Go file
	tests := []struct {
		name string
		dir  string // the package directory to add a file to
		imp  string
		rule archtest.Rule
	}{
		{"orders imports books", "orders/service", "example.com/bookapp/books", archtest.RuleIsolation},
		{"domain imports persistence", "books/domain", "example.com/bookapp/books/persistence", archtest.RuleLayerOrder},
		{"persistence imports service", "books/persistence", "example.com/bookapp/books/service", archtest.RuleLayerOrder},
		{"service/a imports service/b", "books/service/a", "example.com/bookapp/books/service/b", archtest.RuleSameLayer},
		{"domain imports pgx", "books/domain", "github.com/jackc/pgx/v5", archtest.RulePurity},
		{"domain imports net/http", "books/domain", "net/http", archtest.RulePurity},
		{"shared imports a context", "shared/errs", "example.com/bookapp/users", archtest.RuleKernel},
		{"app imports persistence", "app/archtestinjected", "example.com/bookapp/books/persistence", archtest.RuleAppOnly},
		{"books has a package in no layer", "books/util", "strings", archtest.RuleUnclassified},
		{"persistence imports testdb", "books/persistence", "example.com/bookapp/devtools/testdb", archtest.RuleDevTools},
		{"shared imports pglocal", "shared/migrate", "example.com/bookapp/devtools/pglocal", archtest.RuleDevTools},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := copyWorkspace(t, src)
			if tt.rule == archtest.RuleSameLayer {
				writeGoFile(t, filepath.Join(root, "books/service/b"), "strings")
			}
			file := writeGoFile(t, filepath.Join(root, tt.dir), tt.imp)
			pos := fmt.Sprintf("%s:%d:", filepath.ToSlash(strings.TrimPrefix(file, root+string(filepath.Separator))), line)
			if tt.rule == archtest.RuleUnclassified {
				pos = fmt.Sprintf("%s:1:", pos[:strings.Index(pos, ":")]) // the package clause
			}
			r, err := archtest.Check(context.Background(), archtest.Options{GoWork: filepath.Join(root, "go.work")})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range r.Violations {
				if v.Rule == tt.rule && strings.HasPrefix(v.Pos.String(), pos) {
					return
				}
			}
			t.Errorf("no %s at %s; got %v", tt.rule, pos, brief(r.Violations))
		})
	}

	t.Run("users/go.mod requires orders", func(t *testing.T) {
		t.Parallel()
		root := copyWorkspace(t, src)
		goMod := filepath.Join(root, "users", "go.mod")
		data, err := os.ReadFile(goMod)
		if err != nil {
			t.Fatal(err)
		}
		reqLine := strings.Count(string(data), "\n") + 2
		data = fmt.Appendf(data, "\nrequire example.com/bookapp/orders v0.0.0\n\nreplace example.com/bookapp/orders => ../orders\n")
		if err := os.WriteFile(goMod, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := archtest.Check(context.Background(), archtest.Options{GoWork: filepath.Join(root, "go.work")})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("users/go.mod:%d:1", reqLine)
		for _, v := range r.Violations {
			if v.Rule == archtest.RuleRequirements && v.Pos.String() == want {
				return
			}
		}
		t.Errorf("no %s at %s; got %v", archtest.RuleRequirements, want, brief(r.Violations))
	})

	t.Run("orders reads books' table", func(t *testing.T) {
		t.Parallel()
		root := copyWorkspace(t, src)
		files := map[string]string{
			"orders/persistence/migrations/9999_archtest_injected.sql": "-- not books.books in a comment\n" +
				"CREATE VIEW orders.titles AS SELECT title FROM books.books;\n",
			"orders/persistence/archtest_injected_test.go": "package persistence\n\nconst injected = `SELECT title FROM books.books`\n",
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := archtest.Check(context.Background(), archtest.Options{GoWork: filepath.Join(root, "go.work")})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"10 orders/persistence/archtest_injected_test.go:3:37",
			"10 orders/persistence/migrations/9999_archtest_injected.sql:2:48",
		}
		if diff := cmp.Diff(want, brief(r.Violations)); diff != "" {
			t.Errorf("violations (-want +got):\n%s", diff)
		}
	})
}

// copyWorkspace copies the workspace at src (sources and go.mod files, no
// .git, build output, databases or archtest fixtures) to a temporary
// directory and returns it.
func copyWorkspace(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	skip := map[string]bool{".git": true, ".devdata": true, ".cache": true, "bin": true, "node_modules": true, "archtest/testdata": true}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if skip[filepath.ToSlash(rel)] {
			if !d.IsDir() {
				return nil // .git is a file in a git worktree; SkipDir would skip its siblings
			}
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		}
		return nil // symlinks and the like
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// writeGoFile adds a file to the package in dir (creating it if needed)
// whose only import, on line 3, is imp. It returns the file's path.
func writeGoFile(t *testing.T, dir, imp string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "archtest_injected.go")
	src := fmt.Sprintf("package %s\n\nimport _ %q\n", packageName(t, dir), imp)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// packageName returns the name of the package in dir, or the directory's
// name if there is no Go file yet.
func packageName(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		return af.Name.Name
	}
	return filepath.Base(dir)
}

// BenchmarkRunWorkspace times a whole check of bookapp: loading every
// package of every module, tests included, and applying the rules.
func BenchmarkRunWorkspace(b *testing.B) {
	for b.Loop() {
		if _, err := archtest.Check(context.Background(), archtest.Options{GoWork: projectGoWork}); err != nil {
			b.Fatal(err)
		}
	}
}
