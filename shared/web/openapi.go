package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

// openAPI is the part of the API's OpenAPI 3.1 document every context's
// part refers to: the Problem schema and the error responses, ids, dates,
// money, cursors, the shared Address, the common headers and the bearer
// security scheme. A context's part refers to these by
// #/components/<section>/<name> and defines only what is its own.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the shared part of the OpenAPI document.
func OpenAPI() []byte { return bytes.Clone(openAPI) }

// MergeOpenAPI merges OpenAPI 3.1 documents into one: base gives everything
// but tags, paths and components (openapi, info, ...), and the tags, paths
// and components of base and every part are put together. Every part must
// say the same openapi version as base, and a tag, path or component that
// two documents both define is an error: each has one owner.
func MergeOpenAPI(base []byte, parts ...[]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi: base document: %w", err)
	}
	type part struct {
		OpenAPI    string                                `json:"openapi"`
		Tags       []map[string]any                      `json:"tags"`
		Paths      map[string]json.RawMessage            `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	var merged part
	if err := json.Unmarshal(base, &merged); err != nil {
		return nil, fmt.Errorf("openapi: base document: %w", err)
	}
	if merged.Paths == nil {
		merged.Paths = map[string]json.RawMessage{}
	}
	if merged.Components == nil {
		merged.Components = map[string]map[string]json.RawMessage{}
	}
	tags := map[any]bool{}
	for _, t := range merged.Tags {
		tags[t["name"]] = true
	}
	for i, data := range parts {
		var p part
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fmt.Errorf("openapi: part %d: %w", i+1, err)
		}
		if p.OpenAPI != merged.OpenAPI {
			return nil, fmt.Errorf("openapi: part %d is OpenAPI %q, the base %q", i+1, p.OpenAPI, merged.OpenAPI)
		}
		for _, t := range p.Tags {
			if tags[t["name"]] {
				return nil, fmt.Errorf("openapi: part %d defines tag %v again", i+1, t["name"])
			}
			tags[t["name"]] = true
			merged.Tags = append(merged.Tags, t)
		}
		for path, item := range p.Paths {
			if _, dup := merged.Paths[path]; dup {
				return nil, fmt.Errorf("openapi: part %d defines path %s again", i+1, path)
			}
			merged.Paths[path] = item
		}
		for section, entries := range p.Components {
			if merged.Components[section] == nil {
				merged.Components[section] = map[string]json.RawMessage{}
			}
			for name, v := range entries {
				if _, dup := merged.Components[section][name]; dup {
					return nil, fmt.Errorf("openapi: part %d defines components/%s/%s again", i+1, section, name)
				}
				merged.Components[section][name] = v
			}
		}
	}
	doc["tags"], doc["paths"], doc["components"] = merged.Tags, merged.Paths, merged.Components
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return append(out, '\n'), nil
}
