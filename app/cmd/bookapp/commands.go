package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// migrateCmd applies every context's pending migrations and exits.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	level := cfg.flags(fs, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(*level); err != nil {
		return err
	}
	log := cfg.logger(stdout)
	dbs, err := openMigrated(ctx, &cfg, contextNames, log)
	if err != nil {
		return err
	}
	dbs.closeAll()
	return nil
}

// versionCmd prints the module version and VCS revision the binary was built
// from.
func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, version())
	return nil
}

func version() string {
	v, rev, dirty := "(devel)", "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
	}
	return fmt.Sprintf("bookapp %s (revision %.12s%s, %s)", v, rev, dirty, runtime.Version())
}
