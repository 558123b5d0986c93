package archtest

import "testing"

func TestPattern(t *testing.T) {
	ws := &Workspace{byName: map[string]*Module{
		"shared":        {Name: "shared", Path: "example.com/app/shared"},
		"modules":       {Name: "modules", Path: "example.com/app/modules"},
		"modules/books": {Name: "modules/books", Path: "example.com/books"},
	}}
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"shared/errs", "example.com/app/shared/errs", true},
		{"shared/errs", "example.com/app/shared/errs/kinds", false},
		{"shared/errs/...", "example.com/app/shared/errs", true},
		{"shared/errs/...", "example.com/app/shared/errs/kinds", true},
		{"shared/errs/...", "example.com/app/shared/errsx", false},
		{"shared/...", "example.com/app/shared", true},
		{"shared", "example.com/app/shared", true},
		{"sharedx/errs", "example.com/app/shared/errs", false},
		{"modules/books/domain", "example.com/books/domain", true}, // the longest module name wins
		{"modules/x", "example.com/app/modules/x", true},
		{"net/http/...", "net/http/httptest", true},
		{"net/http/...", "net/mail", false},
		{"net", "net", true},
		{"net", "net/http", false},
		{"github.com/google/uuid", "github.com/google/uuid", true},
		{"github.com/google/...", "github.com/google/uuid", true},
		{"github.com/.../uuid", "github.com/google/uuid", true},
		{"a.b/c+d", "a.b/c+d", true}, // regexp metacharacters are literal
		{"a.b/c+d", "aXb/cd", false},
	}
	for _, tt := range tests {
		if got := compilePattern(ws, tt.pattern).match(tt.path); got != tt.want {
			t.Errorf("pattern %q matching %q = %t, want %t", tt.pattern, tt.path, got, tt.want)
		}
	}
}
