package archtest

import (
	"regexp"
	"strings"
)

// A pattern matches package or module paths the way the go command's
// package patterns do: "..." matches any string, and a pattern ending in
// "/..." also matches the path before it.
type pattern struct {
	text string // as written
	re   *regexp.Regexp
}

// patterns is a list of patterns; a path matches the list if it matches any.
type patterns []pattern

// compilePatterns expands a leading module name in each of texts to that
// module's path (see Config) and compiles the result.
func compilePatterns(ws *Workspace, texts []string) patterns {
	ps := make(patterns, 0, len(texts))
	for _, t := range texts {
		ps = append(ps, compilePattern(ws, t))
	}
	return ps
}

func compilePattern(ws *Workspace, text string) pattern {
	expanded := ws.expand(text)
	re := regexp.QuoteMeta(expanded)
	if rest, ok := strings.CutSuffix(re, `/\.\.\.`); ok {
		re = rest + `(/.*)?`
	}
	re = strings.ReplaceAll(re, `\.\.\.`, `.*`)
	return pattern{text: text, re: regexp.MustCompile(`^` + re + `$`)}
}

func (p pattern) match(path string) bool { return p.re.MatchString(path) }

func (ps patterns) match(path string) bool {
	for _, p := range ps {
		if p.match(path) {
			return true
		}
	}
	return false
}

// texts returns the patterns as written, for messages.
func (ps patterns) texts() string {
	if len(ps) == 0 {
		return "none"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.text
	}
	return strings.Join(s, ", ")
}
