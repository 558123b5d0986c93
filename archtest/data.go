package archtest

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rule 10, data isolation: a context's SQL names only its own schema. Its
// SQL is every .sql file in its module's directory tree and every string
// literal of its data layer's Go files (tests included) that holds an SQL
// keyword. A context's schema is its module's name (the last element of
// it: billing for modules/billing); a name qualified by another context's
// schema (books.books, "books"."books", books."book tags" in orders) is a
// violation. Other schemas (pg_catalog, public) are not the rule's business.

// schemaOf returns the schema of context module m.
func schemaOf(m *Module) string { return path.Base(m.Name) }

// inDataLayer reports whether pkg is in a context's data layer, whose string
// literals rule 10 reads.
func inDataLayer(cfg *Config, ws *Workspace, pkg *goPackage) bool {
	return pkg.Module.Kind == KindContext && ws.layerOf(cfg, pkg.Module, pkg.Path) == cfg.DataLayer
}

// sqlFile is one .sql file of a context module.
type sqlFile struct {
	Name   string // relative to the workspace root, slash-separated
	Module *Module
	Text   string
}

// loadSQLFiles reads every .sql file in the directory tree of each context
// module ws uses, less the directories of modules nested in it (those with
// a go.mod of their own).
func loadSQLFiles(ws *Workspace) ([]sqlFile, error) {
	var files []sqlFile
	for _, m := range ws.Modules {
		if m.Kind != KindContext {
			continue
		}
		err := filepath.WalkDir(m.Dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if _, err := os.Stat(filepath.Join(name, "go.mod")); err == nil && name != m.Dir {
					return filepath.SkipDir // another module
				}
				return nil
			}
			if !d.Type().IsRegular() || filepath.Ext(name) != ".sql" {
				return nil
			}
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(ws.Root, name)
			if err != nil {
				return err
			}
			files = append(files, sqlFile{Name: filepath.ToSlash(rel), Module: m, Text: string(data)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading the SQL files of %s: %w", m.Name, err)
		}
	}
	return files, nil
}

// checkSQLFile applies rule 10 to a .sql file of a context.
func (c *checker) checkSQLFile(f sqlFile) {
	start := Position{File: f.Name, Line: 1, Col: 1}
	c.checkSQL(f.Module, f.Module.Path, f.Text, sqlTokens(f.Text), func(off int) Position {
		return start.advance(f.Text[:off])
	})
}

// checkLiteral applies rule 10 to a string literal of a package of a
// context's data layer, if it holds an SQL keyword.
func (c *checker) checkLiteral(pkg *goPackage, lit stringLit) {
	sql, src := unquote(lit.Text)
	toks := sqlTokens(sql)
	if !hasSQLKeyword(toks) {
		return // "books.sales", the name of a consumer, is no table
	}
	c.checkSQL(pkg.Module, pkg.Path, sql, toks, func(off int) Position {
		return lit.Pos.advance(lit.Text[:src[off]])
	})
}

// checkSQL reports each name of sql (split into toks) that another
// context's schema qualifies: the code of from (a package or a module) of
// context m may name only its own schema's. at turns an offset of sql into
// a position.
func (c *checker) checkSQL(m *Module, from, sql string, toks []sqlToken, at func(off int) Position) {
	for _, n := range qualifiedNames(sql, toks) {
		owner := c.schemas[n.schema]
		if owner == nil || owner == m {
			continue
		}
		c.violations = append(c.violations, Violation{
			Rule:    RuleData,
			Pos:     at(n.off),
			From:    from,
			To:      owner.Path,
			Message: fmt.Sprintf("%s names %s, in schema %s", from, n.text, n.schema),
			Hint: fmt.Sprintf("%s may use only its own schema, %s; ask %s through the broker, or keep a copy of what %s needs in %s (an event feeds it).",
				m.Name, schemaOf(m), owner.Name, m.Name, m.Name),
		})
	}
}

// unquote returns the value of the Go string literal lit, which the parser
// accepted, and for each byte of the value the offset in lit of the source
// text it comes from (an escape such as \" is two bytes of source for one of
// value).
func unquote(lit string) (value string, src []int) {
	body := lit[1 : len(lit)-1]
	var b []byte
	if lit[0] == '`' {
		for i := 0; i < len(body); i++ {
			if body[i] != '\r' { // a raw string drops carriage returns
				b = append(b, body[i])
				src = append(src, 1+i)
			}
		}
		return string(b), src
	}
	for rest := body; rest != ""; {
		off := 1 + len(body) - len(rest)
		r, multibyte, tail, err := strconv.UnquoteChar(rest, '"')
		if err != nil {
			break // cannot happen: the parser checks escapes
		}
		if multibyte {
			b = utf8.AppendRune(b, r)
		} else {
			b = append(b, byte(r))
		}
		for len(src) < len(b) {
			src = append(src, off)
		}
		rest = tail
	}
	return string(b), src
}

// sqlKeywords are the words that make a string literal SQL for rule 10, so
// that "books.sales", the name of an event consumer, is not read as a table.
var sqlKeywords = map[string]bool{
	"select": true, "insert": true, "update": true, "delete": true, "merge": true,
	"from": true, "join": true, "into": true, "where": true, "values": true,
	"returning": true, "with": true, "create": true, "alter": true, "drop": true,
	"truncate": true, "table": true, "index": true, "view": true,
}

// hasSQLKeyword reports whether one of toks is an SQL keyword (a plain
// identifier: any case, outside comments, strings and quotes).
func hasSQLKeyword(toks []sqlToken) bool {
	for _, t := range toks {
		if t.kind == tokIdent && !t.quoted && sqlKeywords[t.name] {
			return true
		}
	}
	return false
}

// qualifiedName is a schema-qualified name in SQL text.
type qualifiedName struct {
	schema string // as PostgreSQL reads it: books for books, BOOKS and "books"
	text   string // as written: books."book tags"
	off    int    // where it starts in the text
}

// qualifiedNames returns the names of sql (split into toks) that a schema
// qualifies: an identifier, a dot and an identifier, the first not itself
// after a dot. The first part of a longer name (books.books.title) is taken
// for its schema, and so is a table alias named like a schema (books.title
// after FROM orders.lines books): rename such an alias.
func qualifiedNames(sql string, toks []sqlToken) []qualifiedName {
	var names []qualifiedName
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != tokIdent || toks[i+1].kind != tokDot || toks[i+2].kind != tokIdent {
			continue
		}
		if i > 0 && toks[i-1].kind == tokDot {
			continue // the middle of a longer name
		}
		names = append(names, qualifiedName{schema: toks[i].name, text: sql[toks[i].off:toks[i+2].end], off: toks[i].off})
	}
	return names
}

// The kinds of sqlToken.
const (
	tokOther = iota // any other byte: an operator, a digit, a parenthesis
	tokIdent        // an identifier or a keyword
	tokDot          // .
)

// sqlToken is a token of SQL text.
type sqlToken struct {
	kind int
	// name is an identifier's name as PostgreSQL reads it: folded to lower
	// case, or as written between double quotes ("" standing for ").
	name     string
	quoted   bool
	off, end int // where it is in the text
}

// sqlTokens splits SQL text into tokens, as far as rule 10 needs: plain and
// "quoted" identifiers, dots, and every other byte on its own. White space,
// comments (-- to the end of the line, and /* */, which nest) and string
// constants ('...', and E'...' with backslash escapes) are skipped.
// Dollar-quoted text is read as SQL: it is most often a function's body.
func sqlTokens(sql string) []sqlToken {
	var toks []sqlToken
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(sql)
			}
		case strings.HasPrefix(sql[i:], "/*"):
			i = skipBlockComment(sql, i)
		case c == '\'':
			i = skipString(sql, i, false)
		case c == '"':
			end, name := quotedIdent(sql, i)
			toks = append(toks, sqlToken{kind: tokIdent, name: name, quoted: true, off: i, end: end})
			i = end
		case isIdentStart(c):
			end := i + 1
			for end < len(sql) && (isIdentStart(sql[end]) || sql[end] >= '0' && sql[end] <= '9' || sql[end] == '$') {
				end++
			}
			if end == i+1 && (c == 'e' || c == 'E') && end < len(sql) && sql[end] == '\'' {
				i = skipString(sql, end, true) // E'...'
				continue
			}
			toks = append(toks, sqlToken{kind: tokIdent, name: strings.ToLower(sql[i:end]), off: i, end: end})
			i = end
		case c == '.':
			toks = append(toks, sqlToken{kind: tokDot, off: i, end: i + 1})
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		default:
			toks = append(toks, sqlToken{kind: tokOther, off: i, end: i + 1})
			i++
		}
	}
	return toks
}

// isIdentStart reports whether c may start an identifier: a letter, an
// underscore, or a byte of a non-ASCII character.
func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= utf8.RuneSelf
}

// skipBlockComment returns the offset after the /* */ comment that starts
// at i; comments nest, as in PostgreSQL, and an unclosed one runs to the
// end.
func skipBlockComment(sql string, i int) int {
	depth := 0
	for i < len(sql) {
		switch {
		case strings.HasPrefix(sql[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(sql[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipString returns the offset after the string constant whose opening
// quote is at i; with escapes (E'...'), a backslash escapes the next byte.
// A doubled quote ('it”s') reads as two constants back to back, to the
// same effect; an unclosed constant runs to the end.
func skipString(sql string, i int, escapes bool) int {
	for i++; i < len(sql); i++ {
		switch {
		case escapes && sql[i] == '\\':
			i++
		case sql[i] == '\'':
			return i + 1
		}
	}
	return len(sql)
}

// quotedIdent returns the offset after the quoted identifier that starts at
// i, and its name.
func quotedIdent(sql string, i int) (end int, name string) {
	var b strings.Builder
	for j := i + 1; j < len(sql); j++ {
		if sql[j] != '"' {
			b.WriteByte(sql[j])
			continue
		}
		if j+1 < len(sql) && sql[j+1] == '"' {
			b.WriteByte('"') // "" stands for "
			j++
			continue
		}
		return j + 1, b.String()
	}
	return len(sql), b.String()
}
