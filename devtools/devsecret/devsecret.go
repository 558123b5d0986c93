// Package devsecret keeps the secrets of a development setup (the
// development administrator's password) in a file, made the first time: for
// `make run` and `make run-split`, never for production.
package devsecret

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Password returns the password kept in file, making and saving a random one
// the first time (or when the file holds fewer than 10 characters).
func Password(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err == nil && len(strings.TrimSpace(string(b))) >= 10 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("development password: %w", err)
	}
	password := "dev-" + rand.Text()
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("development password: %w", err)
	}
	return password, nil
}
