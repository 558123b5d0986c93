package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Exception is one deliberate exception to the rules, from the exceptions
// file: a violation whose From matches From and whose To matches To is
// reported as allowed, with Reason. From and To are package patterns (see
// Config); for a go.mod requirement they match module paths. Rule 8
// (unclassified) has no exceptions.
type Exception struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`

	// Pos is where the entry starts in the exceptions file; its File is the
	// name ParseExceptions was given.
	Pos Position `json:"-"`
}

// exceptionsFile is the layout of the exceptions file.
type exceptionsFile struct {
	Exceptions []Exception `json:"exceptions"`
}

// LoadExceptions reads the exceptions file at path; name is how reports
// refer to it. If optional is true a missing file means no exceptions.
func LoadExceptions(path, name string, optional bool) ([]Exception, error) {
	data, err := os.ReadFile(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	exs, err := ParseExceptions(name, data)
	if err != nil {
		return nil, fmt.Errorf("exceptions %s: %w", path, err)
	}
	return exs, nil
}

// ParseExceptions decodes an exceptions file,
//
//	{"exceptions": [{"from": "...", "to": "...", "reason": "..."}]}
//
// and records where each entry starts. Every entry needs all three fields.
func ParseExceptions(name string, data []byte) ([]Exception, error) {
	var f exceptionsFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	starts, err := entryOffsets(data)
	if err != nil {
		return nil, err
	}
	if len(starts) != len(f.Exceptions) {
		return nil, errors.New("exceptions: cannot locate the entries")
	}
	for i := range f.Exceptions {
		e := &f.Exceptions[i]
		e.Pos = offsetPosition(name, data, starts[i])
		if e.From == "" || e.To == "" || e.Reason == "" {
			return nil, fmt.Errorf("%s: an exception needs from, to and reason", e.Pos)
		}
	}
	return f.Exceptions, nil
}

// entryOffsets returns the byte offset at which each element of the
// top-level "exceptions" array starts. data is known to decode.
func entryOffsets(data []byte) ([]int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var offsets []int
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key != "exceptions" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return offsets, err // null: no entries
		}
		for dec.More() {
			off := int(dec.InputOffset())
			for off < len(data) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
				off++
			}
			offsets = append(offsets, off)
			var entry json.RawMessage
			if err := dec.Decode(&entry); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return nil, err
		}
	}
	return offsets, nil
}

// offsetPosition converts a byte offset of data into a position.
func offsetPosition(name string, data []byte, off int) Position {
	return Position{File: name, Line: 1, Col: 1}.advance(string(data[:off]))
}

// applyExceptions moves the violations that an exception matches from vs to
// allowed, and adds a StaleException violation for each exception that
// matched nothing.
func applyExceptions(ws *Workspace, exs []Exception, vs []Violation) (kept, allowed []Violation) {
	type compiled struct {
		from, to pattern
		used     bool
	}
	cs := make([]compiled, len(exs))
	for i, e := range exs {
		cs[i] = compiled{from: compilePattern(ws, e.From), to: compilePattern(ws, e.To)}
	}
	for _, v := range vs {
		excepted := false
		if v.Rule != RuleUnclassified && v.Rule != StaleException {
			for i := range cs {
				if cs[i].from.match(v.From) && cs[i].to.match(v.To) {
					cs[i].used = true
					v.Reason = exs[i].Reason
					allowed = append(allowed, v)
					excepted = true
					break
				}
			}
		}
		if !excepted {
			kept = append(kept, v)
		}
	}
	for i, e := range exs {
		if cs[i].used {
			continue
		}
		kept = append(kept, Violation{
			Rule:    StaleException,
			Pos:     e.Pos,
			From:    e.From,
			To:      e.To,
			Message: fmt.Sprintf("exception from %s to %s matches no violation", e.From, e.To),
			Hint:    "the code it excused is gone or fixed; delete the entry (or correct its patterns) so the list cannot rot.",
		})
	}
	return kept, allowed
}
