package archtest_test

import (
	"strings"
	"testing"

	"example.com/bookapp/archtest"
	"github.com/google/go-cmp/cmp"
)

func TestParseConfigKeepsDefaults(t *testing.T) {
	cfg, err := archtest.ParseConfig([]byte(`{"contexts": ["billing"], "devTools": []}`))
	if err != nil {
		t.Fatal(err)
	}
	want := archtest.DefaultConfig()
	want.Contexts = []string{"billing"}
	want.DevTools = []string{} // an explicit empty list replaces the default
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"unknown key", `{"context": ["books"]}`, `unknown field "context"`},
		{"not JSON", `contexts: [books]`, "invalid character"},
		{"trailing data", `{} {}`, "after the JSON object"},
		{"no contexts", `{"contexts": []}`, "at least one context"},
		{"module twice", `{"apps": ["books"]}`, `"books" is already listed in contexts`},
		{"no layers", `{"layers": []}`, "at least one layer"},
		{"layer twice", `{"layers": ["domain", "domain"]}`, "listed twice"},
		{"setup as a layer", `{"layers": ["setup"], "pureLayer": "setup"}`, "not a layer directory name"},
		{"unknown public layer", `{"publicLayers": ["api"]}`, `"api" is not in layers`},
		{"unknown allowedModules layer", `{"allowedModules": {"model": []}}`, `"model" is not in layers`},
		{"unknown pure layer", `{"pureLayer": "model"}`, `pureLayer: "model"`},
		{"unknown data layer", `{"dataLayer": "store"}`, `dataLayer: "store" is not in layers`},
		{"layers without the default data layer", `{"layers": ["domain"], "publicLayers": []}`, `dataLayer: "persistence" is not in layers`},
		{"bad module name", `{"tools": ["archtest/"]}`, "not a module directory name"},
		{"dev tools also a tool", `{"devTools": ["archtest"]}`, `devTools: module "archtest" is already listed in tools`},
		{"retired testHelpers key", `{"testHelpers": ["shared/testdb/..."]}`, `unknown field "testHelpers"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := archtest.ParseConfig([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseConfig(%s) error = %v, want one containing %q", tt.json, err, tt.wantErr)
			}
		})
	}
}

func TestDefaultConfigIsValid(t *testing.T) {
	if err := archtest.DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseExceptions(t *testing.T) {
	data := `{
  "exceptions": [
    {"from": "a/...", "to": "b", "reason": "one"},
	{
      "from": "c", "to": "d/...", "reason": "two"
    }
  ]
}
`
	got, err := archtest.ParseExceptions("x.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []archtest.Exception{
		{From: "a/...", To: "b", Reason: "one", Pos: archtest.Position{File: "x.json", Line: 3, Col: 5}},
		{From: "c", To: "d/...", Reason: "two", Pos: archtest.Position{File: "x.json", Line: 4, Col: 2}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exceptions (-want +got):\n%s", diff)
	}
}

func TestParseExceptionsEmpty(t *testing.T) {
	for _, data := range []string{`{"exceptions": []}`, `{}`, `{"exceptions": null}`} {
		got, err := archtest.ParseExceptions("x.json", []byte(data))
		if err != nil || len(got) != 0 {
			t.Errorf("ParseExceptions(%s) = %v, %v; want none, nil", data, got, err)
		}
	}
}

func TestParseExceptionsErrors(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"no reason", `{"exceptions": [{"from": "a", "to": "b"}]}`, "x.json:1:17: an exception needs from, to and reason"},
		{"no to", `{"exceptions": [{"from": "a", "reason": "r"}]}`, "needs from, to and reason"},
		{"unknown key", `{"exceptions": [{"from": "a", "to": "b", "reason": "r", "rule": 1}]}`, `unknown field "rule"`},
		{"a bare list", `[{"from": "a", "to": "b", "reason": "r"}]`, "cannot unmarshal array"},
		{"not an object", `{"exceptions": ["a"]}`, "cannot unmarshal string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := archtest.ParseExceptions("x.json", []byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
