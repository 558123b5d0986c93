package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The pages' checks that need Node.js run from devtools/webcheck, whose
// package-lock.json pins html-validate and axe-core; `make webcheck` (run
// by `make test`) installs them there with npm ci. In CI (CI=true, as
// .ci/run sets) a missing tool fails the test; elsewhere the test is skipped
// and says how to get it.

// webcheckDir returns devtools/webcheck, with its node_modules installed.
func webcheckDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "devtools", "webcheck"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "html-validate")); err != nil {
		missing(t, "html-validate and axe-core are not installed in "+dir+": run `make webcheck` (it needs node and npm; Debian: apt-get install nodejs npm)")
	}
	return dir
}

// missing fails the test in CI and skips it elsewhere, saying why.
func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why + " (CI fails here instead of skipping)")
}

// An htmlLog collects the HTML pages a test saw, to validate them all at
// once when it ends (one html-validate run per test, not one per page).
type htmlLog struct {
	mu    sync.Mutex
	pages map[string]string // the HTML by "METHOD path status", the first seen
}

func (l *htmlLog) add(what, html string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pages == nil {
		l.pages = map[string]string{}
	}
	if _, ok := l.pages[what]; !ok {
		l.pages[what] = html
	}
}

// validate runs html-validate (its recommended rules,
// devtools/webcheck/.htmlvalidate.json) over every page of l and reports each
// problem with the page it is on.
func (l *htmlLog) validate(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pages) == 0 || t.Failed() {
		return
	}
	dir := webcheckDir(t)
	tmp := t.TempDir()
	names := map[string]string{}
	var files []string
	i := 0
	for what, html := range l.pages {
		i++
		f := filepath.Join(tmp, fmt.Sprintf("page%03d.html", i))
		if err := os.WriteFile(f, []byte(html), 0o600); err != nil {
			t.Fatal(err)
		}
		names[f] = what
		files = append(files, f)
	}
	cmd := exec.Command(filepath.Join(dir, "node_modules", ".bin", "html-validate"), append([]string{"--config", filepath.Join(dir, ".htmlvalidate.json"), "--formatter", "json"}, files...)...)
	cmd.Dir = dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	var results []struct {
		FilePath string `json:"filePath"`
		Messages []struct {
			RuleID   string `json:"ruleId"`
			Message  string `json:"message"`
			Line     int    `json:"line"`
			Selector string `json:"selector"`
		} `json:"messages"`
	}
	if jerr := json.Unmarshal(out.Bytes(), &results); jerr != nil {
		t.Fatalf("html-validate: %v (%v): %s %s", err, jerr, out.String(), stderr.String())
	}
	for _, r := range results {
		for _, m := range r.Messages {
			html := l.pages[names[r.FilePath]]
			lines := strings.Split(html, "\n")
			line := ""
			if m.Line >= 1 && m.Line <= len(lines) {
				line = strings.TrimSpace(lines[m.Line-1])
			}
			t.Errorf("html-validate, %s, line %d (%s): %s [%s]\n\t%s", names[r.FilePath], m.Line, m.Selector, m.Message, m.RuleID, line)
		}
	}
	t.Logf("html-validate: %d pages checked", len(files))
}
