package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"example.com/bookapp/shared/web"
)

func TestMergeOpenAPI(t *testing.T) {
	base := `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"tags":[{"name":"ops"}],"paths":{"/healthz":{}}}`
	books := `{"openapi":"3.1.0","tags":[{"name":"books"}],"paths":{"/api/books":{}},"components":{"schemas":{"Book":{"type":"object"}}}}`
	got, err := web.MergeOpenAPI([]byte(base), web.OpenAPI(), []byte(books))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Info       map[string]any                       `json:"info"`
		Tags       []struct{ Name string }              `json:"tags"`
		Paths      map[string]any                       `json:"paths"`
		Components map[string]map[string]map[string]any `json:"components"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Info["title"] != "t" || len(doc.Tags) != 2 || doc.Tags[1].Name != "books" {
		t.Errorf("info %v, tags %v: want the base's info and both tags in order", doc.Info, doc.Tags)
	}
	if doc.Paths["/healthz"] == nil || doc.Paths["/api/books"] == nil {
		t.Errorf("paths = %v, want /healthz and /api/books", doc.Paths)
	}
	if doc.Components["schemas"]["Book"] == nil || doc.Components["schemas"]["Problem"] == nil {
		t.Errorf("schemas lack Book (the part's) or Problem (the shared part's)")
	}

	for name, c := range map[string]struct{ parts []string }{
		"path twice":      {[]string{books, books}},
		"schema twice":    {[]string{`{"openapi":"3.1.0","components":{"schemas":{"Problem":{}}}}`}},
		"tag twice":       {[]string{`{"openapi":"3.1.0","tags":[{"name":"ops"}]}`}},
		"another version": {[]string{`{"openapi":"3.0.3"}`}},
		"not JSON":        {[]string{`{`}},
	} {
		parts := [][]byte{web.OpenAPI()}
		for _, p := range c.parts {
			parts = append(parts, []byte(p))
		}
		if _, err := web.MergeOpenAPI([]byte(base), parts...); err == nil || !strings.HasPrefix(err.Error(), "openapi: ") {
			t.Errorf("%s: error %v, want an openapi: error", name, err)
		}
	}
}
