package archtest_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"example.com/bookapp/archtest"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// mustCheck runs Check on the fixture workspace testdata/name.
func mustCheck(t testing.TB, name string) *archtest.Report {
	t.Helper()
	r, err := archtest.Check(context.Background(), archtest.Options{GoWork: filepath.Join("testdata", name, "go.work")})
	if err != nil {
		t.Fatalf("Check(%s): %v", name, err)
	}
	return r
}

// brief renders a violation as "rule file:line:col", the part a fixture
// pins down exactly.
func brief(vs []archtest.Violation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%d %s", v.Rule, v.Pos))
	}
	return out
}

// TestFixtures runs each fixture workspace and compares the exact set of
// violations: a rule that stops firing, or fires somewhere new, fails here.
// Each ruleN fixture breaks only rule N.
func TestFixtures(t *testing.T) {
	tests := []struct {
		fixture     string
		packages    int
		violations  []string
		allowed     []string
		hintContent string // a phrase the first violation's hint must contain
	}{
		{fixture: "clean", packages: 17, violations: []string{}, allowed: []string{}},
		{
			fixture:  "rule1-isolation",
			packages: 5,
			violations: []string{
				"1 orders/persistence/store.go:7:2", // pgx, which orders/go.mod does not require
				"1 orders/service/place.go:5:2",     // books/service
			},
			allowed:     []string{},
			hintContent: "orders/go.mod does not require github.com/jackc/pgx/v5",
		},
		{
			fixture:  "rule2-layers",
			packages: 6,
			violations: []string{
				"2 books/domain/book.go:4:8",             // domain -> persistence
				"2 books/infrastructure/handlers.go:4:8", // infrastructure -> setup
				"2 books/persistence/store.go:7:2",       // persistence -> service
			},
			allowed:     []string{},
			hintContent: "persistence sits above domain in books",
		},
		{
			fixture:  "rule3-samelayer",
			packages: 7,
			violations: []string{
				"3 books/service/a/a.go:5:2",     // service/a -> service/b
				"3 books/service/service.go:4:8", // service -> service/a
			},
			allowed:     []string{},
			hintContent: `with "common" in its path (such as books/service/common)`,
		},
		{
			fixture:  "rule4-purity",
			packages: 5,
			violations: []string{
				"4 books/domain/book.go:5:2",  // database/sql
				"4 books/domain/book.go:6:2",  // net/http
				"4 books/domain/book.go:9:2",  // shared/db
				"4 books/domain/book.go:11:2", // go-cmp outside a test file
				"4 books/domain/book.go:13:2", // pgx
			},
			allowed:     []string{},
			hintContent: "may not use database/sql",
		},
		{
			fixture:  "rule5-kernel",
			packages: 3,
			violations: []string{
				"5 shared/errs/errs.go:7:2", // app
				"5 shared/errs/errs.go:8:2", // books
			},
			allowed:     []string{},
			hintContent: "may not import app",
		},
		{
			fixture:  "rule6-app",
			packages: 8,
			violations: []string{
				"6 app/cmd/shop/main.go:8:2",  // domain
				"6 app/cmd/shop/main.go:9:2",  // infrastructure
				"6 app/cmd/shop/main.go:10:2", // persistence
				"6 archtest/archtest.go:4:8",  // a tool importing a context
			},
			allowed:     []string{},
			hintContent: "domain is private to books",
		},
		{
			fixture:  "rule7-requirements",
			packages: 6,
			violations: []string{
				"7 app/cmd/shop/main.go:4:8",        // imports a tool
				"7 app/go.mod:5:1",                  // requires a tool
				"7 books/go.mod:6:2",                // requires shared without a replace
				"7 orders/persistence/store.go:4:8", // imports shared, not required
				"7 shared/go.mod:5:1",               // the kernel requires a context
				"7 shared/ids/ids.go:4:8",           // imports uuid, not required
				"7 users/go.mod:6:2",                // a context requires a context
			},
			allowed:     []string{},
			hintContent: "nothing depends on archtest",
		},
		{
			fixture:     "gomod-only",
			packages:    3,
			violations:  []string{"7 users/go.mod:6:2"},
			allowed:     []string{},
			hintContent: "users (a context) may not depend on orders (a context)",
		},
		{
			fixture:  "rule8-unclassified",
			packages: 4,
			violations: []string{
				"8 books/util/util.go:2:1", // a package in no layer
				"8 go.work:4:2",            // a module the config does not name
			},
			allowed:     []string{},
			hintContent: "move books/util under books/{domain,persistence,infrastructure,service}",
		},
		{
			fixture:  "rule9-devtools",
			packages: 8,
			violations: []string{
				"9 books/persistence/store.go:4:8", // a context's production code
				"9 devtools/bad/bad.go:4:8",        // developer tooling importing a context
				"9 shared/migrate/migrate.go:4:8",  // the kernel's production code
			},
			allowed:     []string{},
			hintContent: "production code of a context may not import it",
		},
		{
			fixture:  "rule10-data",
			packages: 3,
			violations: []string{
				"10 orders/persistence/migrations/0002_create_order_titles.sql:6:6", // JOIN books.books (not the comment, nor the string)
				"10 orders/persistence/report/report.go:5:66",                       // a sub-package of the layer
				"10 orders/persistence/store.go:14:39",                              // FROM books.books in a raw string
				"10 orders/persistence/store.go:17:36",                              // "books"."book tags", escaped in an interpreted string
				"10 orders/persistence/store_test.go:9:15",                          // a test file, second line of a raw string
			},
			allowed:     []string{},
			hintContent: "orders may use only its own schema, orders; ask books through the broker",
		},
		{
			fixture:  "testfiles",
			packages: 7,
			violations: []string{
				"1 books/service/service_test.go:7:2", // external test package
				"2 books/domain/book_test.go:6:2",     // internal test file
			},
			allowed:     []string{},
			hintContent: "books may not import orders",
		},
		{
			fixture:  "exceptions",
			packages: 4,
			violations: []string{
				"4 orders/domain/order.go:4:8",
				"99 archtest-exceptions.json:8:5", // the stale entry
			},
			allowed:     []string{"1 orders/service/place.go:4:8"},
			hintContent: "may not use net/http",
		},
		{
			// The layering violation makes an import cycle, which the go
			// command reports as an error; the check still names the line.
			fixture:     "cycle",
			packages:    2,
			violations:  []string{"2 books/domain/book.go:4:8"},
			allowed:     []string{},
			hintContent: "persistence sits above domain",
		},
		{
			fixture:  "customconfig",
			packages: 8,
			violations: []string{
				"2 modules/billing/model/invoice.go:7:2",
				"3 modules/billing/api/pay/pay.go:6:2",
				"4 modules/billing/model/invoice.go:5:2", // os, denied by this config
				"4 modules/billing/model/invoice.go:8:2", // kernel/log, not in pureKernel
				"6 cmd/erp/main.go:6:2",
			},
			allowed:     []string{},
			hintContent: "store sits above model in modules/billing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			r := mustCheck(t, tt.fixture)
			if diff := cmp.Diff(tt.violations, brief(r.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.allowed, brief(r.Allowed)); diff != "" {
				t.Errorf("allowed (-want +got):\n%s", diff)
			}
			if r.Packages != tt.packages {
				t.Errorf("Packages = %d, want %d", r.Packages, tt.packages)
			}
			for _, v := range append(r.Violations, r.Allowed...) {
				if v.Message == "" || v.Hint == "" || v.From == "" {
					t.Errorf("%s: empty message, hint or from: %+v", v.Pos, v)
				}
			}
			if tt.hintContent != "" && len(r.Violations) > 0 && !strings.Contains(r.Violations[0].Hint, tt.hintContent) {
				t.Errorf("first hint = %q, want it to contain %q", r.Violations[0].Hint, tt.hintContent)
			}
		})
	}
}

// TestViolationDetails pins down the whole of one violation of each kind:
// import, go.mod requirement, unclassified package, SQL in a Go file and in
// a migration, stale exception.
func TestViolationDetails(t *testing.T) {
	tests := []struct {
		fixture string
		pos     string
		want    archtest.Violation
	}{
		{
			fixture: "rule1-isolation",
			pos:     "orders/service/place.go:5:2",
			want: archtest.Violation{
				Rule:    archtest.RuleIsolation,
				Pos:     archtest.Position{File: "orders/service/place.go", Line: 5, Col: 2},
				From:    "example.com/shop/orders/service",
				To:      "example.com/shop/books/service",
				Message: "example.com/shop/orders/service imports example.com/shop/books/service",
				Hint:    "orders may not import books; ask books through the broker or a contract in shared.",
			},
		},
		{
			fixture: "gomod-only",
			pos:     "users/go.mod:6:2",
			want: archtest.Violation{
				Rule:    archtest.RuleRequirements,
				Pos:     archtest.Position{File: "users/go.mod", Line: 6, Col: 2},
				From:    "example.com/shop/users",
				To:      "example.com/shop/orders",
				Message: "example.com/shop/users requires example.com/shop/orders",
				Hint:    "users (a context) may not depend on orders (a context); remove the require (and its replace) from users/go.mod and reach orders through shared.",
			},
		},
		{
			fixture: "rule8-unclassified",
			pos:     "books/util/util.go:2:1",
			want: archtest.Violation{
				Rule:    archtest.RuleUnclassified,
				Pos:     archtest.Position{File: "books/util/util.go", Line: 2, Col: 1},
				From:    "example.com/shop/books/util",
				Message: "example.com/shop/books/util is in no layer",
				Hint:    "every package of a context lives in a layer; move books/util under books/{domain,persistence,infrastructure,service} (or add its directory to layers in archtest.json).",
			},
		},
		{
			fixture: "rule10-data",
			pos:     "orders/persistence/store.go:14:39",
			want: archtest.Violation{
				Rule:    archtest.RuleData,
				Pos:     archtest.Position{File: "orders/persistence/store.go", Line: 14, Col: 39},
				From:    "example.com/shop/orders/persistence",
				To:      "example.com/shop/books",
				Message: "example.com/shop/orders/persistence names books.books, in schema books",
				Hint:    "orders may use only its own schema, orders; ask books through the broker, or keep a copy of what orders needs in orders (an event feeds it).",
			},
		},
		{
			fixture: "rule10-data",
			pos:     "orders/persistence/migrations/0002_create_order_titles.sql:6:6",
			want: archtest.Violation{
				Rule:    archtest.RuleData,
				Pos:     archtest.Position{File: "orders/persistence/migrations/0002_create_order_titles.sql", Line: 6, Col: 6},
				From:    "example.com/shop/orders",
				To:      "example.com/shop/books",
				Message: "example.com/shop/orders names books.books, in schema books",
				Hint:    "orders may use only its own schema, orders; ask books through the broker, or keep a copy of what orders needs in orders (an event feeds it).",
			},
		},
		{
			fixture: "exceptions",
			pos:     "archtest-exceptions.json:8:5",
			want: archtest.Violation{
				Rule:    archtest.StaleException,
				Pos:     archtest.Position{File: "archtest-exceptions.json", Line: 8, Col: 5},
				From:    "orders/domain",
				To:      "net/url",
				Message: "exception from orders/domain to net/url matches no violation",
				Hint:    "the code it excused is gone or fixed; delete the entry (or correct its patterns) so the list cannot rot.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			r := mustCheck(t, tt.fixture)
			for _, v := range r.Violations {
				if v.Pos.String() == tt.pos {
					if diff := cmp.Diff(tt.want, v); diff != "" {
						t.Errorf("violation at %s (-want +got):\n%s", tt.pos, diff)
					}
					return
				}
			}
			t.Errorf("no violation at %s; got %v", tt.pos, brief(r.Violations))
		})
	}
}

// TestCycleReported checks that an import cycle made by a violation is kept
// in the report.
func TestCycleReported(t *testing.T) {
	r := mustCheck(t, "cycle")
	want := []string{"import cycle not allowed: import stack: [example.com/shop/books/domain example.com/shop/books/persistence example.com/shop/books/domain]"}
	if diff := cmp.Diff(want, r.Cycles); diff != "" {
		t.Errorf("Cycles (-want +got):\n%s", diff)
	}
}

// TestAllowedReason checks that an excepted violation carries the reason.
func TestAllowedReason(t *testing.T) {
	r := mustCheck(t, "exceptions")
	if len(r.Allowed) != 1 {
		t.Fatalf("allowed = %v, want one", brief(r.Allowed))
	}
	want := "migration: orders still reads titles directly until the broker handler lands"
	if got := r.Allowed[0].Reason; got != want {
		t.Errorf("Reason = %q, want %q", got, want)
	}
}

// TestDataExceptions checks that exceptions allow rule 10 violations as
// they allow imports — from the package of the Go file or the module of the
// .sql file, to the context that owns the schema — and that an exception
// matching none of them is stale.
func TestDataExceptions(t *testing.T) {
	exceptions := writeFile(t, `{"exceptions": [
		{"from": "orders/persistence", "to": "books", "reason": "titles, until the event lands"},
		{"from": "orders", "to": "books/...", "reason": "the view, until the event lands"},
		{"from": "orders/...", "to": "users", "reason": "no such SQL"}
	]}`)
	r, err := archtest.Check(context.Background(), archtest.Options{GoWork: "testdata/rule10-data/go.work", ExceptionsFile: exceptions})
	if err != nil {
		t.Fatal(err)
	}
	wantViolations := []string{
		"10 orders/persistence/report/report.go:5:66", // another package than orders/persistence
		fmt.Sprintf("99 %s:4:3", exceptions),          // users: the stale entry
	}
	wantAllowed := []string{
		"10 orders/persistence/migrations/0002_create_order_titles.sql:6:6",
		"10 orders/persistence/store.go:14:39",
		"10 orders/persistence/store.go:17:36",
		"10 orders/persistence/store_test.go:9:15",
	}
	if diff := cmp.Diff(wantViolations, brief(r.Violations)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAllowed, brief(r.Allowed)); diff != "" {
		t.Errorf("allowed (-want +got):\n%s", diff)
	}
	if len(r.Allowed) > 0 && r.Allowed[0].Reason != "the view, until the event lands" {
		t.Errorf("the migration's reason = %q, want the second entry's", r.Allowed[0].Reason)
	}
}

// TestCheckErrors covers the failures that stop a check: they are errors,
// never an empty report.
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    archtest.Options
		wantErr string
	}{
		{
			name:    "package does not load",
			opts:    archtest.Options{GoWork: "testdata/loaderror/go.work"},
			wantErr: "example.com/shop/books/domain/missing",
		},
		{
			name:    "import cycle that breaks no rule",
			opts:    archtest.Options{GoWork: "testdata/cyclecommon/go.work"},
			wantErr: "import cycle not allowed",
		},
		{
			name:    "module without packages",
			opts:    archtest.Options{GoWork: "testdata/emptymodule/go.work"},
			wantErr: "no packages in module app",
		},
		{
			name:    "no go.work",
			opts:    archtest.Options{GoWork: "testdata/nosuch/go.work"},
			wantErr: "no such file",
		},
		{
			name:    "explicit config file missing",
			opts:    archtest.Options{GoWork: "testdata/clean/go.work", ConfigFile: "testdata/nosuch.json"},
			wantErr: "config:",
		},
		{
			name:    "explicit exceptions file missing",
			opts:    archtest.Options{GoWork: "testdata/clean/go.work", ExceptionsFile: "testdata/nosuch.json"},
			wantErr: "exceptions:",
		},
		{
			name:    "bad config",
			opts:    archtest.Options{GoWork: "testdata/clean/go.work", ConfigFile: writeFile(t, `{"contexts": ["books"], "layerz": []}`)},
			wantErr: `unknown field "layerz"`,
		},
		{
			name:    "bad exceptions",
			opts:    archtest.Options{GoWork: "testdata/clean/go.work", ExceptionsFile: writeFile(t, `{"exceptions": [{"from": "a", "to": "b"}]}`)},
			wantErr: "needs from, to and reason",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := archtest.Check(context.Background(), tt.opts)
			if err == nil {
				t.Fatalf("Check succeeded with %d violations, want an error containing %q", len(r.Violations), tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "file.json")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFindsGoWorkUpward checks that Options.Dir finds the go.work above it.
func TestFindsGoWorkUpward(t *testing.T) {
	r, err := archtest.Check(context.Background(), archtest.Options{Dir: "testdata/rule5-kernel/shared/errs"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("testdata/rule5-kernel")
	if r.Root != want {
		t.Errorf("Root = %s, want %s", r.Root, want)
	}
	if len(r.Violations) != 2 {
		t.Errorf("violations = %v, want the fixture's two", brief(r.Violations))
	}
}

// TestGraph compares the graphs of the clean fixture and of one with a
// violation with the golden files; run go test -update to rewrite them.
func TestGraph(t *testing.T) {
	for _, fixture := range []string{"clean", "rule2-layers"} {
		r := mustCheck(t, fixture)
		for _, format := range []string{"mermaid", "dot"} {
			var buf bytes.Buffer
			var err error
			if format == "mermaid" {
				err = r.Graph.WriteMermaid(&buf)
			} else {
				err = r.Graph.WriteDOT(&buf)
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", fixture+"."+format), buf.String())
		}
	}
}

// TestTextReport compares the text report of a fixture with a golden file.
func TestTextReport(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		r := mustCheck(t, "exceptions")
		var buf bytes.Buffer
		if err := r.WriteText(&buf, verbose); err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "golden", fmt.Sprintf("exceptions-verbose-%t.txt", verbose)), buf.String())
	}
}

// golden compares got with the content of file, or rewrites file with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", file, diff)
	}
}
