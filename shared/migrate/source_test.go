package migrate_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"example.com/bookapp/shared/migrate"
)

func TestNewSourceOrdersFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0010_c.sql": {Data: []byte("SELECT 3")},
		"m/0002_b.sql": {Data: []byte("SELECT 2")},
		"m/0001_a.sql": {Data: []byte("SELECT 1")},
	}
	src, err := migrate.NewSource("things", fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range src.Files {
		got = append(got, f.Name)
	}
	if want := "0001_a.sql 0002_b.sql 0010_c.sql"; strings.Join(got, " ") != want {
		t.Errorf("files = %v, want %s", got, want)
	}
	if src.Files[2].Version != 10 {
		t.Errorf("version of 0010_c.sql = %d, want 10", src.Files[2].Version)
	}
	// sha256("SELECT 1")
	if got, want := src.Files[0].Checksum, "e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5"; got != want {
		t.Errorf("checksum = %s, want %s", got, want)
	}
}

func TestNewSourceRejects(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		files  fstest.MapFS
		want   string
	}{
		{"bad schema", "Books;drop", fstest.MapFS{"m/0001_a.sql": {}}, `invalid schema name "Books;drop"`},
		{"bad file name", "s", fstest.MapFS{"m/create.sql": {}}, "file create.sql: want a name like 0001_create_things.sql"},
		{"upper case", "s", fstest.MapFS{"m/0001_Create.sql": {}}, "file 0001_Create.sql"},
		{"version zero", "s", fstest.MapFS{"m/0000_a.sql": {}}, "version must be a positive number"},
		{"duplicate version", "s", fstest.MapFS{"m/0001_a.sql": {}, "m/01_b.sql": {}}, "share version 1"},
		{"directory", "s", fstest.MapFS{"m/0001_a.sql": {}, "m/sub/x.sql": {}}, "unexpected directory sub"},
		{"empty", "s", fstest.MapFS{"m": {Mode: 0o755 | 1<<31}}, "no migrations in m"},
		{"missing dir", "s", fstest.MapFS{}, "open m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := migrate.NewSource(tt.schema, tt.files, "m")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewSource error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
