package devsecret_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"example.com/bookapp/devtools/devsecret"
)

func TestPasswordIsMadeOnceAndKept(t *testing.T) {
	file := filepath.Join(t.TempDir(), "admin-password")
	first, err := devsecret.Password(file)
	if err != nil || len(first) < 10 {
		t.Fatalf("Password = %q, %v", first, err)
	}
	again, err := devsecret.Password(file)
	if err != nil || again != first {
		t.Errorf("second Password = %q, %v, want the first, %q", again, err, first)
	}
	if b, _ := os.ReadFile(file); strings.TrimSpace(string(b)) != first {
		t.Errorf("the file holds %q, want %q", b, first)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
		t.Errorf("the file's mode is %v, want 0600", info.Mode().Perm())
	}
}
