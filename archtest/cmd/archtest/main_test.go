package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture is the path of a fixture workspace from this directory.
func fixture(name string) string { return "../../testdata/" + name }

// runArchtest runs the command with no environment.
func runArchtest(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // a substring
		wantStderr string // a substring
	}{
		{"clean", []string{fixture("clean")}, 0, "archtest: 17 packages, 0 violations, 0 allowed by exception\n", ""},
		{"clean with -C", []string{"-C", fixture("clean")}, 0, "0 violations", ""},
		{"violations", []string{fixture("rule1-isolation")}, 1, "orders/service/place.go:5:2: rule 1 (context isolation): ", ""},
		{"stale exception", []string{fixture("exceptions")}, 1, "archtest-exceptions.json:8:5: stale exception", ""},
		{"data isolation", []string{fixture("rule10-data")}, 1, "orders/persistence/store.go:14:39: rule 10 (data isolation): ", ""},
		{"go.mod only", []string{fixture("gomod-only")}, 1, "users/go.mod:6:2: rule 7", ""},
		{"load error", []string{fixture("loaderror")}, 2, "", "archtest: loading packages:"},
		{"empty module", []string{fixture("emptymodule")}, 2, "", "no packages in module app"},
		{"no workspace", []string{"-C", "/"}, 2, "", "no go.work"},
		{"bad flag", []string{"-nope"}, 2, "", "flag provided but not defined"},
		{"two dirs", []string{fixture("clean"), fixture("rule2-layers")}, 2, "", "give the workspace directory once"},
		{"dir twice", []string{"-C", fixture("clean"), fixture("clean")}, 2, "", "give the workspace directory once"},
		{"bad graph", []string{"-graph", "svg", fixture("clean")}, 2, "", "want mermaid or dot"},
		{"json and graph", []string{"-json", "-graph", "dot", fixture("clean")}, 2, "", "cannot be combined"},
		{"missing config", []string{"-config", "nosuch.json", fixture("clean")}, 2, "", "archtest: config:"},
		{"help", []string{"-h"}, 0, "", "usage: archtest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runArchtest(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestGOWORK(t *testing.T) {
	getenv := func(v string) func(string) string {
		return func(k string) string {
			if k == "GOWORK" {
				return v
			}
			return ""
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, getenv("off"), &out, &errOut); code != 2 {
		t.Errorf("GOWORK=off: exit code = %d, want 2", code)
	}
	out.Reset()
	errOut.Reset()
	code := run(context.Background(), nil, getenv(fixture("gomod-only")+"/go.work"), &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "users/go.mod:6:2") {
		t.Errorf("GOWORK=gomod-only: exit code = %d, stdout %q; want 1 and its violation", code, out.String())
	}
}

func TestJSON(t *testing.T) {
	code, stdout, _ := runArchtest(t, "-json", fixture("exceptions"))
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	type violation struct {
		Rule     int    `json:"rule"`
		RuleName string `json:"ruleName"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Col      int    `json:"col"`
		From     string `json:"from"`
		To       string `json:"to"`
		Reason   string `json:"reason"`
	}
	var got struct {
		Packages   int         `json:"packages"`
		Violations []violation `json:"violations"`
		Allowed    []violation `json:"allowed"`
	}
	// Message and hint are pinned down by the library's tests.
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout)
	}
	want := struct {
		Packages   int         `json:"packages"`
		Violations []violation `json:"violations"`
		Allowed    []violation `json:"allowed"`
	}{
		Packages: 4,
		Violations: []violation{
			{4, "domain purity", "orders/domain/order.go", 4, 8, "example.com/shop/orders/domain", "net/http", ""},
			{99, "stale exception", "archtest-exceptions.json", 8, 5, "orders/domain", "net/url", ""},
		},
		Allowed: []violation{
			{1, "context isolation", "orders/service/place.go", 4, 8, "example.com/shop/orders/service", "example.com/shop/books/service",
				"migration: orders still reads titles directly until the broker handler lands"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON report (-want +got):\n%s", diff)
	}
}

func TestJSONClean(t *testing.T) {
	code, stdout, _ := runArchtest(t, "-json", fixture("clean"))
	if code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	// Empty lists are [] for tools, never null.
	for _, s := range []string{`"violations": []`, `"allowed": []`, `"packages": 17`} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %s:\n%s", s, stdout)
		}
	}
}

func TestGraphFlag(t *testing.T) {
	code, stdout, stderr := runArchtest(t, "-graph", "mermaid", fixture("rule2-layers"))
	if code != 1 {
		t.Errorf("exit code = %d, want 1: a graph does not hide violations", code)
	}
	if !strings.HasPrefix(stdout, "flowchart TD\n") || !strings.Contains(stdout, "books_domain -. violation .-> books_persistence\n") {
		t.Errorf("stdout is not the Mermaid graph with its violation:\n%s", stdout)
	}
	if !strings.Contains(stderr, "3 violations") {
		t.Errorf("stderr lacks the report:\n%s", stderr)
	}

	code, stdout, _ = runArchtest(t, "-graph", "dot", fixture("clean"))
	if code != 0 || !strings.HasPrefix(stdout, "digraph archtest {\n") || !strings.Contains(stdout, `"app" -> "books/service";`) {
		t.Errorf("exit code %d, stdout is not the DOT graph:\n%s", code, stdout)
	}
}

func TestVerbose(t *testing.T) {
	_, quiet, _ := runArchtest(t, fixture("exceptions"))
	_, verbose, _ := runArchtest(t, "-v", fixture("exceptions"))
	const reason = "    reason: migration: orders still reads titles directly until the broker handler lands\n"
	if strings.Contains(quiet, reason) {
		t.Errorf("without -v, the report lists allowed imports:\n%s", quiet)
	}
	if !strings.Contains(verbose, reason) {
		t.Errorf("with -v, the report lacks the allowed import's reason:\n%s", verbose)
	}
}
