package pglocal_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/bookapp/devtools/pglocal"
)

func TestThrowaway(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	c := mustStart(t, pglocal.Options{FastUnsafe: true})
	t.Logf("initdb and start took %s", time.Since(start))

	if got := c.URL("postgres"); got != fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port()) {
		t.Errorf("URL = %q", got)
	}
	if got := queryInt(t, c.URL("postgres"), "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 = %d", got)
	}
	if _, err := os.Stat(c.Dir()); err != nil {
		t.Fatalf("cluster directory: %v", err)
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(c.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Stop, stat %s: %v; want it removed", c.Dir(), err)
	}
	if portOpen(c.Port()) {
		t.Errorf("after Stop, port %d still accepts connections", c.Port())
	}
	if err := c.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestPersistent(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(reachableTempDir(t), "devdata")

	first := mustStart(t, pglocal.Options{Dir: dir, Persistent: true, FastUnsafe: true})
	exec1(t, first.URL("postgres"), "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
	if err := first.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if portOpen(first.Port()) {
		t.Fatalf("after Stop, port %d still accepts connections", first.Port())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("after Stop, data directory: %v; want it kept", err)
	}

	start := time.Now()
	second := mustStart(t, pglocal.Options{Dir: dir, Persistent: true, FastUnsafe: true})
	t.Logf("restart took %s", time.Since(start))
	if got := queryInt(t, second.URL("postgres"), "SELECT v FROM kept"); got != 42 {
		t.Errorf("second run: kept.v = %d, want 42", got)
	}
	if second.Port() != first.Port() {
		t.Errorf("second run port = %d, want the first run's %d", second.Port(), first.Port())
	}
}

func TestPersistentUsesRunningServer(t *testing.T) {
	ctx := context.Background()
	dir := reachableTempDir(t)
	owner := mustStart(t, pglocal.Options{Dir: dir, Persistent: true, FastUnsafe: true})

	guest, err := pglocal.Start(ctx, pglocal.Options{Dir: dir, Persistent: true})
	if err != nil {
		t.Fatalf("second Start on a running cluster: %v", err)
	}
	if guest.Port() != owner.Port() {
		t.Errorf("second Start port = %d, want the running server's %d", guest.Port(), owner.Port())
	}
	if err := guest.Stop(ctx); err != nil {
		t.Fatalf("Stop of the second: %v", err)
	}
	if got := queryInt(t, owner.URL("postgres"), "SELECT 1"); got != 1 {
		t.Errorf("after the second's Stop, SELECT 1 = %d; want the server still running", got)
	}
}

func TestNoBinaries(t *testing.T) {
	empty := t.TempDir()
	_, err := pglocal.Start(context.Background(), pglocal.Options{BinDir: empty})
	if !errors.Is(err, pglocal.ErrNoBinaries) {
		t.Fatalf("Start with empty BinDir: %v; want ErrNoBinaries", err)
	}
	for _, want := range []string{empty, "apt-get install postgresql", "brew install", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestBadOptions(t *testing.T) {
	for name, opts := range map[string]pglocal.Options{
		"persistent without dir": {Persistent: true},
		"negative port":          {Port: -1},
		"port out of range":      {Port: 70000},
	} {
		t.Run(name, func(t *testing.T) {
			if c, err := pglocal.Start(context.Background(), opts); err == nil {
				c.Stop(context.Background())
				t.Fatal("Start succeeded; want an error")
			}
		})
	}
}

func TestPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	parent := reachableTempDir(t)
	c, err := pglocal.Start(context.Background(), pglocal.Options{Dir: parent, Port: port, FastUnsafe: true})
	if err == nil {
		c.Stop(context.Background())
		t.Fatalf("Start on taken port %d succeeded", port)
	}
	// The error carries the server log, which says why.
	if !strings.Contains(err.Error(), "could not bind") {
		t.Errorf("error %q does not quote the server log", err)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, "pglocal-*")); len(left) != 0 {
		t.Errorf("failed Start left %v behind", left)
	}
}

// TestParentDeath kills a process that started a cluster and checks that its
// server goes too, and that the next throwaway Start sweeps up the directory.
func TestParentDeath(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux signals a child when its parent dies")
	}
	parent := reachableTempDir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "PGLOCAL_HELPER_DIR="+parent)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("helper: %v", err)
	}
	var port int
	var dir string
	if _, err := fmt.Sscan(line, &port, &dir); err != nil {
		cmd.Process.Kill()
		t.Fatalf("helper said %q: %v", line, err)
	}
	if !portOpen(port) {
		t.Fatalf("helper's server on port %d does not accept connections", port)
	}

	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for portOpen(port) {
		if time.Now().After(deadline) {
			t.Fatalf("server on port %d still running 10s after its parent was killed", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("killed helper's directory: %v; want it left behind", err)
	}

	mustStart(t, pglocal.Options{Dir: parent, FastUnsafe: true})
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after the next Start, stat %s: %v; want it swept", dir, err)
	}
}

// TestHelperProcess is the process TestParentDeath kills: it starts a
// cluster, prints its port and directory, and waits to be killed.
func TestHelperProcess(t *testing.T) {
	parent := os.Getenv("PGLOCAL_HELPER_DIR")
	if parent == "" {
		return
	}
	c, err := pglocal.Start(context.Background(), pglocal.Options{Dir: parent, FastUnsafe: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(c.Port(), c.Dir())
	time.Sleep(time.Minute)
	os.Exit(1)
}

func TestUnreachableDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	locked := filepath.Join(reachableTempDir(t), "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := pglocal.Start(context.Background(), pglocal.Options{Dir: filepath.Join(locked, "devdata"), Persistent: true})
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+locked+" ") {
		t.Fatalf("Start under a directory the postgres user cannot enter: %v; want an error naming %s", err, locked)
	}
}

// mustStart starts a cluster and stops it when the test ends.
func mustStart(t *testing.T, opts pglocal.Options) *pglocal.Cluster {
	t.Helper()
	c, err := pglocal.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

// reachableTempDir returns a new temporary directory, removed when the test
// ends, that the postgres OS user can enter when the tests run as root
// (t.TempDir's directories are 0700).
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pglocal-test-")
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func queryInt(t *testing.T, url, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func exec1(t *testing.T, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func portOpen(port int) bool {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
