package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestMain doubles as the command withpg runs in these tests, when
// WITHPG_HELPER says what it should do.
func TestMain(m *testing.M) {
	switch os.Getenv("WITHPG_HELPER") {
	case "":
		os.Exit(m.Run())
	case "query":
		// Prove the database answers, then exit with a code of our own.
		url := os.Getenv("DATABASE_URL")
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var one int
		if err := conn.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
			fmt.Fprintln(os.Stderr, one, err)
			os.Exit(1)
		}
		fmt.Println(url)
		os.Exit(3)
	case "print":
		fmt.Println(os.Getenv("DATABASE_URL"))
	case "wait":
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM)
		fmt.Println("ready")
		select {
		case <-sigs:
			os.Exit(7)
		case <-time.After(time.Minute):
			os.Exit(1)
		}
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	}
	os.Exit(0)
}

func TestRunAgainstThrowawayCluster(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), self, environ("", "query"), nil, &stdout, &stderr)
	if code != 3 {
		t.Fatalf("exit code %d, want the command's 3; stderr:\n%s", code, &stderr)
	}
	url := strings.TrimSpace(stdout.String())
	if !strings.HasPrefix(url, "postgres://postgres@127.0.0.1:") || !strings.Contains(url, "/postgres?") {
		t.Fatalf("command saw DATABASE_URL %q, want the cluster's postgres database", url)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("after run, %s still accepts connections; want the cluster stopped", addr)
	}
}

func TestRunWithDatabaseURL(t *testing.T) {
	const given = "postgres://someone@db.example:5432/shop"
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), self, environ(given, "print"), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, &stderr)
	}
	if got := strings.TrimSpace(stdout.String()); got != given {
		t.Errorf("command saw DATABASE_URL %q, want the given %q", got, given)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want nothing: no cluster to start", &stderr)
	}
}

func TestRunForwardsSIGTERM(t *testing.T) {
	r, w := io.Pipe()
	codes := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		codes <- run(context.Background(), self, environ("postgres://unused", "wait"), nil, w, &stderr)
		w.Close()
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("command said %q, %v; want ready", line, err)
	}
	go io.Copy(io.Discard, r)
	// run has been catching SIGTERM since before it started the command.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-codes:
		if code != 7 {
			t.Errorf("exit code %d, want 7: the command's on SIGTERM; stderr:\n%s", code, &stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the command did not get SIGTERM")
	}
}

func TestRunExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		want     int
		inStderr string
	}{
		{"no command", nil, 2, "usage: withpg"},
		{"only --", []string{"--"}, 2, "usage: withpg"},
		{"a flag", []string{"-h"}, 2, "usage: withpg"},
		{"missing command", []string{"--", "/no/such/command"}, 1, "no such file"},
		{"killed command", self, 128 + int(syscall.SIGKILL), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := run(context.Background(), tc.args, environ("postgres://unused", "kill"), nil, io.Discard, &stderr); got != tc.want {
				t.Errorf("exit code %d, want %d; stderr:\n%s", got, tc.want, &stderr)
			}
			if !strings.Contains(stderr.String(), tc.inStderr) {
				t.Errorf("stderr %q does not contain %q", &stderr, tc.inStderr)
			}
		})
	}
}

// self is withpg's arguments to run this test binary as the command, which
// then does what WITHPG_HELPER says (see TestMain).
var self = []string{"--", os.Args[0]}

// environ returns this process's environment with DATABASE_URL set to url
// ("" means unset) and WITHPG_HELPER to role.
func environ(url, role string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	if url != "" {
		env = append(env, "DATABASE_URL="+url)
	}
	return append(env, "WITHPG_HELPER="+role)
}
