package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// config is bookapp's configuration: environment variables first, flags
// override them.
type config struct {
	databaseURL     string
	contextURLs     map[string]string // BOOKAPP_<CONTEXT>_DATABASE_URL
	contexts        []string          // the contexts serve runs, in contextNames' order
	natsURL         string
	devData         string
	addr            string
	logLevel        slog.Level
	shutdownTimeout time.Duration
	requestTimeout  time.Duration
	eventsLease     time.Duration
	secureCookies   bool
	tokenTTL        time.Duration
	dbWait          time.Duration
}

// flags binds the configuration shared by serve and migrate to fs, with the
// environment's values as defaults. Call cfg.check after fs.Parse.
func (cfg *config) flags(fs *flag.FlagSet, getenv func(string) string) *string {
	fs.StringVar(&cfg.databaseURL, "database-url", getenv("DATABASE_URL"),
		"PostgreSQL connection URL of every context without one of its own (env DATABASE_URL; a context's own: env BOOKAPP_BOOKS_DATABASE_URL, BOOKAPP_ORDERS_DATABASE_URL, BOOKAPP_USERS_DATABASE_URL); empty: start a development cluster in -dev-data")
	cfg.contextURLs = make(map[string]string)
	for _, c := range contextNames {
		cfg.contextURLs[c] = strings.TrimSpace(getenv("BOOKAPP_" + strings.ToUpper(c) + "_DATABASE_URL"))
	}
	fs.StringVar(&cfg.devData, "dev-data", envOr(getenv, "BOOKAPP_DEV_DATA", ".devdata"),
		"directory of the development PostgreSQL cluster used without a database URL (env BOOKAPP_DEV_DATA)")
	fs.DurationVar(&cfg.dbWait, "db-wait", 30*time.Second,
		"how long to wait for the database to answer at start-up")
	level := new(string)
	fs.StringVar(level, "log-level", envOr(getenv, "BOOKAPP_LOG_LEVEL", "info"),
		"log level: debug, info, warn or error (env BOOKAPP_LOG_LEVEL)")
	return level
}

// databaseURLOf returns the database URL of the context name: its own, else
// the shared one; "" means the development cluster.
func (cfg *config) databaseURLOf(name string) string {
	if u := cfg.contextURLs[name]; u != "" {
		return u
	}
	return cfg.databaseURL
}

// parseContexts reads a comma-separated list of contexts, "books,orders",
// into contextNames' order.
func parseContexts(list string) ([]string, error) {
	want := make(map[string]bool)
	for _, c := range strings.Split(list, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !slices.Contains(contextNames, c) {
			return nil, usageError{fmt.Sprintf("invalid -contexts: no context %q (the contexts: %s)", c, strings.Join(contextNames, ", "))}
		}
		want[c] = true
	}
	var out []string
	for _, c := range contextNames {
		if want[c] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, usageError{"invalid -contexts: name at least one of " + strings.Join(contextNames, ", ")}
	}
	return out, nil
}

// check validates what flags could not.
func (cfg *config) check(level string) error {
	if err := cfg.logLevel.UnmarshalText([]byte(level)); err != nil {
		return usageError{fmt.Sprintf("invalid log level %q: want debug, info, warn or error", level)}
	}
	return nil
}

func (cfg *config) logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: cfg.logLevel}))
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return fallback
}

// envDuration reads a duration such as 24h from the environment. A value that
// does not parse is kept as the fallback here and reported by check.
func envDuration(getenv func(string) string, key string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(strings.TrimSpace(getenv(key))); err == nil {
		return d
	}
	return fallback
}

// parseFlags parses args with fs, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
