// Package pglocal starts a PostgreSQL server from the binaries installed on
// the machine, so that bookapp runs and tests with no database set up: a
// throwaway cluster for a test run, or a persistent development cluster that
// `make run` keeps between runs. It is developer tooling (module devtools),
// used only when no DATABASE_URL is given: the apps and tests may import it,
// the contexts' and the kernel's production code may not (archtest rule 9).
//
// The server is the postgres binary run directly as a child process, bound to
// 127.0.0.1 only, with trust authentication for the superuser "postgres": it
// is for development and tests on one machine, never for production.
//
// PostgreSQL refuses to run as root. When the calling process is root (as in
// containers and CI), pglocal runs initdb and postgres as the "postgres" OS
// user, which must exist and be able to reach the cluster's directory.
//
// On Linux the server gets SIGQUIT (immediate shutdown) if the process that
// started it dies, so a test binary killed by a timeout leaves no server
// behind. The signal is tied to the OS thread that started the server; Go
// only ends threads whose goroutine locked them, so call Start from an
// ordinary goroutine.
package pglocal

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNoBinaries reports that initdb and postgres were not found. Start wraps
// it in an error that says how to install them.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, postgres) not found")

// User is the PostgreSQL superuser of a cluster started by pglocal. It logs in
// without a password over 127.0.0.1.
const User = "postgres"

// Options configures Start. The zero value starts a throwaway cluster in a
// new temporary directory on a free port.
type Options struct {
	// Dir is where the cluster lives. A throwaway cluster gets a new
	// directory inside Dir, removed by Stop; "" means /dev/shm on Linux when
	// it has 1 GiB free (in memory, creating a database is several times
	// faster), else os.TempDir().
	// A persistent cluster needs Dir and keeps in it the data directory
	// (Dir/data), the server log (Dir/server.log) and the port of its last
	// run (Dir/port).
	Dir string

	// Persistent keeps the cluster's data between runs: Start runs initdb
	// only if Dir holds no cluster yet. If a server started on Dir by another
	// process is still running, Start uses it and Stop leaves it running.
	Persistent bool

	// Port is the TCP port on 127.0.0.1. 0 picks a free port; a persistent
	// cluster takes the port of its previous run again when it is free.
	Port int

	// FastUnsafe turns off fsync, synchronous_commit and full_page_writes:
	// much faster, but a crash of the machine can corrupt the cluster. For
	// tests and other data that is thrown away. It also raises
	// max_connections to 400 for parallel test packages.
	FastUnsafe bool

	// BinDir is the directory holding initdb and postgres. "" searches PATH,
	// then the newest of the usual install directories
	// (/usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, Homebrew's
	// postgresql@*).
	BinDir string

	// Logger receives progress messages (initdb, start, stop, timings);
	// nil discards them.
	Logger *slog.Logger
}

// A Cluster is a running PostgreSQL server started (or, for a persistent
// cluster, found running) by Start. Stop it with Stop.
type Cluster struct {
	dir       string // the cluster directory, parent of the data directory
	port      int
	throwaway bool // Stop removes dir
	log       *slog.Logger

	// cmd is the postmaster, nil when Start found a server already running.
	// exited is closed once cmd has exited; waitErr is then its exit error.
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error

	stopOnce sync.Once
	stopErr  error

	// What Resume needs to start the server again after Pause.
	bin        string
	runAs      *account
	fastUnsafe bool
	paused     bool // Pause stopped the server; the cluster is kept
}

// Layout of a cluster directory.
const (
	dataDirName = "data"
	logFileName = "server.log"
	portFile    = "port"
	ownerFile   = "owner.pid" // pid of the process owning a throwaway cluster

	throwawayPattern = "pglocal-*"
	startTimeout     = 30 * time.Second
	bindAttempts     = 3
)

// Start starts a cluster as opts says and returns once it accepts
// connections. ctx bounds the start-up only: the server keeps running until
// Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Persistent && opts.Dir == "" {
		return nil, errors.New("pglocal: a persistent cluster needs Options.Dir")
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("pglocal: invalid port %d", opts.Port)
	}
	bin, err := findBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	runAs, err := serverAccount()
	if err != nil {
		return nil, err
	}

	c := &Cluster{throwaway: !opts.Persistent, log: log, bin: bin, runAs: runAs, fastUnsafe: opts.FastUnsafe}
	if opts.Persistent {
		if c.dir, err = filepath.Abs(opts.Dir); err != nil {
			return nil, fmt.Errorf("pglocal: %w", err)
		}
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			return nil, fmt.Errorf("pglocal: %w", err)
		}
		if port, ok := c.runningServer(ctx); ok {
			log.Info("pglocal: using the PostgreSQL server already running", "dir", c.dir, "port", port)
			c.port = port
			return c, nil
		}
	} else {
		if c.dir, err = newThrowawayDir(opts.Dir, runAs, log); err != nil {
			return nil, err
		}
	}

	if err := c.start(ctx, bin, runAs, opts); err != nil {
		if c.throwaway {
			_ = os.RemoveAll(c.dir)
		}
		return nil, err
	}
	return c, nil
}

// start initialises the cluster if needed and starts its server.
func (c *Cluster) start(ctx context.Context, bin string, runAs *account, opts Options) error {
	data := c.dataDir()
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, bin, runAs); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}

	port, explicit := opts.Port, opts.Port != 0
	if !explicit && opts.Persistent {
		port = c.previousPort()
	}
	for attempt := 1; ; attempt++ {
		if !explicit && (port == 0 || !portFree(port)) {
			var err error
			if port, err = freePort(); err != nil {
				return fmt.Errorf("pglocal: find a free port: %w", err)
			}
		}
		err := c.run(ctx, bin, runAs, port, opts.FastUnsafe)
		if err == nil {
			break
		}
		// Another process may take a free port before the server binds it.
		if explicit || attempt == bindAttempts || !errors.Is(err, errPortInUse) {
			return err
		}
		c.log.Info("pglocal: port taken, trying another", "port", port)
		port = 0
	}
	if opts.Persistent {
		// Best effort: without the file the next run picks another port.
		_ = os.WriteFile(filepath.Join(c.dir, portFile), []byte(strconv.Itoa(c.port)+"\n"), 0o644)
	}
	return nil
}

// URL returns the connection URL of database db on the cluster, as the
// superuser, for example postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
// The database "postgres" always exists.
func (c *Cluster) URL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(User),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the TCP port the server listens on at 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir returns the cluster directory: Options.Dir for a persistent cluster,
// the new temporary directory for a throwaway one.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down (PostgreSQL's fast shutdown: it disconnects
// clients, writes a checkpoint and exits) and waits for it to exit; a
// throwaway cluster's directory is then removed. If ctx ends first, Stop
// kills the server. A server that Start found already running is left
// running. Stop is safe to call more than once.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() { c.stopErr = c.stop(ctx) })
	return c.stopErr
}

func (c *Cluster) stop(ctx context.Context) error {
	if c.cmd == nil && !c.paused {
		return nil
	}
	start := time.Now()
	var err error
	if c.cmd != nil {
		err = c.shutdown(ctx)
	}
	c.paused = false
	if c.throwaway {
		if rerr := os.RemoveAll(c.dir); rerr != nil && err == nil {
			err = fmt.Errorf("pglocal: remove cluster directory: %w", rerr)
		}
	}
	c.log.Info("pglocal: stopped", "dir", c.dir, "took", time.Since(start))
	return err
}

// shutdown asks the postmaster for a fast shutdown and waits for it.
func (c *Cluster) shutdown(ctx context.Context) error {
	select {
	case <-c.exited:
		return fmt.Errorf("pglocal: the server had already exited (%v)%s", c.waitErr, c.logTail())
	default:
	}
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
		_ = c.cmd.Process.Kill()
	}
	select {
	case <-c.exited:
		if c.waitErr != nil {
			return fmt.Errorf("pglocal: server exit: %v%s", c.waitErr, c.logTail())
		}
		return nil
	case <-ctx.Done():
	}
	// Immediate shutdown, then kill: the caller has stopped waiting.
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	return fmt.Errorf("pglocal: stop: %w", ctx.Err())
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, dataDirName) }
func (c *Cluster) logPath() string { return filepath.Join(c.dir, logFileName) }

// newThrowawayDir creates the directory of a throwaway cluster in parent (""
// is memory or os.TempDir()), after removing those that dead processes left
// behind.
func newThrowawayDir(parent string, runAs *account, log *slog.Logger) (string, error) {
	if parent == "" {
		parent = cmp.Or(memoryDir(), os.TempDir())
	}
	parent, err := filepath.Abs(parent)
	if err != nil {
		return "", fmt.Errorf("pglocal: %w", err)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("pglocal: %w", err)
	}
	sweep(parent, log)
	dir, err := os.MkdirTemp(parent, throwawayPattern)
	if err != nil {
		return "", fmt.Errorf("pglocal: %w", err)
	}
	err = os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	if err == nil && runAs != nil {
		// MkdirTemp made it 0700; the server's user must get through it
		// to the data directory.
		err = os.Chmod(dir, 0o711)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("pglocal: %w", err)
	}
	return dir, nil
}

// sweep removes throwaway cluster directories in parent whose owning process
// and server are both gone: a process killed before it could call Stop
// leaves its directory behind (its server dies with it).
func sweep(parent string, log *slog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(parent, throwawayPattern))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or not set up yet
		}
		owner, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || owner == os.Getpid() || processAlive(owner) {
			continue
		}
		if pid, _ := readPostmasterPID(filepath.Join(dir, dataDirName)); pid > 0 && processAlive(pid) {
			continue
		}
		if err := os.RemoveAll(dir); err == nil {
			log.Info("pglocal: removed the cluster directory of a process that is gone", "dir", dir, "pid", owner)
		}
	}
}

// initdb creates the cluster in a scratch directory and renames it into
// place, so an interrupted initdb never leaves a half-made cluster behind.
func (c *Cluster) initdb(ctx context.Context, bin string, runAs *account) error {
	start := time.Now()
	scratch := c.dataDir() + ".initdb"
	if err := os.RemoveAll(scratch); err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	if err := os.Mkdir(scratch, 0o700); err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	if runAs != nil {
		if err := os.Chown(scratch, runAs.uid, runAs.gid); err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
		if err := runAs.checkReach(scratch); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", scratch,
		"-U", User,
		"--auth=trust",
		"--encoding=UTF8",
		"--no-locale", // C collation: the same on every machine, and fast
		"--no-sync",
	)
	cmd.Dir = c.dir
	cmd.SysProcAttr = procAttr(runAs)
	out, err := cmd.CombinedOutput()
	if err != nil {
		_ = os.RemoveAll(scratch)
		return fmt.Errorf("pglocal: initdb: %v%s", err, tail(out))
	}
	if err := os.Rename(scratch, c.dataDir()); err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	c.log.Info("pglocal: initdb", "dir", c.dataDir(), "took", time.Since(start))
	return nil
}

// errPortInUse reports that the server could not bind its port.
var errPortInUse = errors.New("port in use")

// run starts the postmaster on port and waits until it accepts connections.
func (c *Cluster) run(ctx context.Context, bin string, runAs *account, port int, fastUnsafe bool) error {
	start := time.Now()
	args := []string{
		"-D", c.dataDir(),
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=", // TCP only: no socket path length or permission issues
	}
	if fastUnsafe {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			// Parallel test packages each open pools; don't let a many-core
			// runner hit the default limit of 100.
			"-c", "max_connections=400")
	}
	logf, err := os.OpenFile(c.logPath(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	defer logf.Close() // the server keeps its own copy of the descriptor

	// Not exec.CommandContext: ctx bounds the start-up, not the server's life.
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr(runAs)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pglocal: start postgres: %w", err)
	}
	c.cmd, c.port, c.exited = cmd, port, make(chan struct{})
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()

	if err := c.waitReady(ctx); err != nil {
		select {
		case <-c.exited:
		default:
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			<-c.exited
		}
		c.cmd = nil
		log := c.logTail()
		if strings.Contains(log, "could not bind") || strings.Contains(log, "could not create any TCP/IP sockets") {
			return fmt.Errorf("pglocal: postgres could not listen on port %d: %w%s", port, errPortInUse, log)
		}
		return fmt.Errorf("pglocal: %w%s", err, log)
	}
	c.log.Info("pglocal: server ready", "url", c.URL("postgres"), "took", time.Since(start))
	return nil
}

// waitReady polls the server until it accepts a connection, it exits, ctx
// ends or startTimeout passes.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for {
		err := ping(ctx, c.URL("postgres"))
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited during start-up (%v)", c.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ping connects to url once.
func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, url)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// runningServer reports the port of a server already running on the
// cluster's data directory: its postmaster.pid names a live process, and the
// server on the port it names says it serves this data directory.
func (c *Cluster) runningServer(ctx context.Context) (port int, ok bool) {
	pid, port := readPostmasterPID(c.dataDir())
	if pid <= 0 || port <= 0 || !processAlive(pid) {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	probe := &Cluster{port: port}
	conn, err := pgconn.Connect(ctx, probe.URL("postgres"))
	if err != nil {
		return 0, false // not ready, or a stale file: postgres itself will tell
	}
	defer conn.Close(ctx)
	results, err := conn.Exec(ctx, "SHOW data_directory").ReadAll()
	if err != nil || len(results) != 1 || len(results[0].Rows) != 1 {
		return 0, false
	}
	return port, sameDir(string(results[0].Rows[0][0]), c.dataDir())
}

// sameDir reports whether paths a and b name the same directory.
func sameDir(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// readPostmasterPID returns the pid and port that postmaster.pid in data
// records (its first and fourth lines), or zeros.
func readPostmasterPID(data string) (pid, port int) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, 0
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, 0
	}
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	return pid, port
}

// previousPort returns the port a persistent cluster last ran on, or 0.
func (c *Cluster) previousPort() int {
	b, err := os.ReadFile(filepath.Join(c.dir, portFile))
	if err != nil {
		return 0
	}
	port, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || port <= 0 || port > 65535 {
		return 0
	}
	return port
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports whether port on 127.0.0.1 can be listened on now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// logTail returns the end of the server log, formatted to follow an error
// message, and where the whole log is if it outlives the error.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.logPath())
	if err != nil {
		return ""
	}
	if c.throwaway {
		return tail(b)
	}
	return tail(b) + "\n(server log: " + c.logPath() + ")"
}

// tail returns the last lines of out, indented, after a newline; "" if out
// is blank.
func tail(out []byte) string {
	const maxLines = 15
	lines := strings.Split(string(bytes.TrimSpace(out)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return ""
	}
	lines = lines[max(0, len(lines)-maxLines):]
	return "\n\t" + strings.Join(lines, "\n\t")
}
