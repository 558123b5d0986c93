package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"example.com/bookapp/devtools/devsecret"
	"example.com/bookapp/users"
)

// Under the development cluster, this admin exists so the admin routes can be
// tried at once. Its password is made once and kept in the cluster directory.
const (
	devAdminEmail = "admin@example.com"
	devAdminName  = "Development Admin"
)

// ensureAdmin creates or updates the admin named by BOOKAPP_ADMIN_EMAIL and
// BOOKAPP_ADMIN_PASSWORD; without them, on the development cluster only, it
// ensures the development admin and prints its credentials.
func ensureAdmin(ctx context.Context, m *users.Module, cfg *config, getenv func(string) string, stderr io.Writer, log *slog.Logger) error {
	done, err := m.EnsureAdminFromEnv(ctx, getenv)
	if err != nil {
		return fmt.Errorf("admin from BOOKAPP_ADMIN_EMAIL and BOOKAPP_ADMIN_PASSWORD: %w", err)
	}
	if done {
		log.Info("admin ensured", slog.String("email", strings.ToLower(getenv("BOOKAPP_ADMIN_EMAIL"))))
		return nil
	}
	if cfg.databaseURLOf("users") != "" {
		return nil
	}
	password, err := devAdminPassword(cfg.devData)
	if err != nil {
		return err
	}
	if err := m.EnsureAdmin(ctx, devAdminEmail, password, devAdminName); err != nil {
		return fmt.Errorf("development admin: %w", err)
	}
	fmt.Fprintf(stderr, "development admin: %s / %s\n", devAdminEmail, password)
	return nil
}

// devAdminPassword reads the development admin's password from dir, making
// and saving one the first time.
func devAdminPassword(dir string) (string, error) {
	return devsecret.Password(filepath.Join(dir, "admin-password"))
}
