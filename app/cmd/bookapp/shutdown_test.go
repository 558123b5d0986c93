package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/bookapp/devtools/testdb"
)

// TestProcess runs the built binary, as it runs in production: building it
// takes seconds, so its tests share one build.
func TestProcess(t *testing.T) {
	bin := buildApp(t)
	t.Run("SIGTERM drains in-flight requests", func(t *testing.T) { testSIGTERMDrainsInFlightRequests(t, bin) })
	t.Run("instances start together on one database", func(t *testing.T) { testInstancesStartTogether(t, bin) })
	t.Run("kill -9 between commit and delivery", func(t *testing.T) { testKillBetweenCommitAndDelivery(t, bin) })
}

// SIGTERM during traffic: the process stops taking connections, lets the
// requests it is serving finish — here uploads whose bodies are still on the
// way — and exits 0 within the shutdown timeout.
func testSIGTERMDrainsInFlightRequests(t *testing.T, bin string) {
	const (
		shutdownTimeout = 10 * time.Second
		uploads         = 3
	)
	url := testdb.NewEmpty(t)
	p := startProcess(t, bin, url, "-shutdown-timeout", shutdownTimeout.String())
	p.waitReady(t)

	// Registrations whose bodies arrive slowly: the server starts on each
	// when its headers arrive and is still reading the body at the signal.
	type result struct {
		status int
		body   string
		err    error
	}
	results := make(chan result, uploads)
	rests := make([]func(), uploads)
	for i := range uploads {
		body := fmt.Sprintf(`{"email":"slow%d@example.com","name":"Slow Sender","password":"correct horse battery"}`, i)
		pr, pw := io.Pipe()
		req, err := http.NewRequest("POST", p.base+"/api/users", pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = int64(len(body))
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			results <- result{resp.StatusCode, string(b), err}
		}()
		if _, err := pw.Write([]byte(body[:20])); err != nil {
			t.Fatal(err)
		}
		rests[i] = func() {
			_, _ = pw.Write([]byte(body[20:]))
			pw.Close()
		}
	}
	// The server counts a request in flight from its headers on; the scrape
	// counts itself.
	waitFor(t, 10*time.Second, "the uploads to be in flight", func() bool { return p.inFlight(t) == uploads+1 })

	// Quick requests keep coming meanwhile. Once the signal is in, they may
	// fail to connect, but none may get a server error.
	var served, serverErrors atomic.Int64
	trafficDone := make(chan struct{})
	var traffic sync.WaitGroup
	for range 2 {
		traffic.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for {
				select {
				case <-trafficDone:
					return
				default:
				}
				resp, err := client.Get(p.base + "/readyz")
				if err != nil {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				served.Add(1)
				if resp.StatusCode >= 500 {
					serverErrors.Add(1)
				}
			}
		})
	}
	waitFor(t, 5*time.Second, "traffic", func() bool { return served.Load() >= 10 })

	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, `the "shutting down" log`, func() bool { return p.logged("shutting down") > 0 })
	// The log line comes just before the listener closes.
	waitFor(t, 2*time.Second, "the listener to close", func() bool {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	// Hold the uploads a little longer: the process must wait for them.
	time.Sleep(300 * time.Millisecond)
	select {
	case <-p.exited:
		t.Fatalf("the process exited (%v) with %d requests in flight", p.waitErr, uploads)
	default:
	}
	for _, rest := range rests {
		rest()
	}
	for range uploads {
		r := <-results
		if r.err != nil || r.status != http.StatusCreated {
			t.Errorf("in-flight upload: %d %s %v, want 201", r.status, r.body, r.err)
		}
	}

	exitCode := p.wait(t, shutdownTimeout+5*time.Second)
	took := time.Since(signalled)
	close(trafficDone)
	traffic.Wait()
	if exitCode != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", exitCode)
	}
	if took > shutdownTimeout {
		t.Errorf("the process took %s to exit after SIGTERM, more than its %s shutdown timeout", took, shutdownTimeout)
	}
	t.Logf("exited %s after SIGTERM (uploads held ≥ 300 ms of it); %d quick requests served", took, served.Load())
	if n := serverErrors.Load(); n > 0 {
		t.Errorf("%d quick requests got a 5xx during shutdown", n)
	}
	if p.logged("stopped") != 1 {
		t.Error(`no "stopped" log line: the process did not finish its shutdown`)
	}
	if n := countRows(t, url, "SELECT count(*) FROM users.users WHERE email LIKE 'slow%'"); n != uploads {
		t.Errorf("%d of the %d in-flight registrations are in the database", n, uploads)
	}
}

// buildApp builds bookapp into a temporary directory and returns its path.
func buildApp(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bookapp")
	start := time.Now()
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("go build took %s", time.Since(start))
	return bin
}

// A process is `bookapp serve` running as a child process.
type process struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port, once listening
	log  *processLog

	exited  chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's error, once exited is closed
}

// startProcess starts `bin serve` on a free port of 127.0.0.1 against
// databaseURL, with args added, and returns once it listens. The process is
// killed when the test ends if it is still running, and its log is shown if
// the test failed.
func startProcess(t *testing.T, bin, databaseURL string, args ...string) *process {
	t.Helper()
	p := launch(t, bin, databaseURL, args...)
	p.waitListening(t)
	return p
}

// launch starts the process without waiting for it to listen.
func launch(t *testing.T, bin, databaseURL string, args ...string) *process {
	t.Helper()
	return launchEnv(t, bin, []string{"DATABASE_URL=" + databaseURL}, args...)
}

// launchEnv is launch with the whole environment given (DATABASE_URL among
// it): nothing comes from the developer's.
func launchEnv(t testing.TB, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{log: &processLog{listening: make(chan string, 1)}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "-addr", "127.0.0.1:0", "-log-level", "debug"}, args...)...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("log of process %d:\n%s", p.cmd.Process.Pid, p.log.String())
		}
	})
	return p
}

// waitListening waits for the process's "listening" log line.
func (p *process) waitListening(t testing.TB) {
	t.Helper()
	select {
	case addr := <-p.log.listening:
		p.base = "http://" + addr
	case <-p.exited:
		t.Fatalf("the process exited before listening: %v", p.waitErr)
	case <-time.After(60 * time.Second):
		t.Fatal("the process did not listen within 60s")
	}
}

// waitReady waits until /readyz says 200.
func (p *process) waitReady(t testing.TB) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	waitFor(t, 60*time.Second, p.base+"/readyz to say 200", func() bool {
		resp, err := client.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// inFlight scrapes the process's count of requests in flight.
func (p *process) inFlight(t *testing.T) int {
	t.Helper()
	status, _, body := get(t, p.base+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics = %d", status)
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "bookapp_http_requests_in_flight "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("bad in-flight sample %q", line)
			}
			return int(n)
		}
	}
	t.Fatal("/metrics has no bookapp_http_requests_in_flight")
	return 0
}

// logged counts the process's JSON log lines with message msg.
func (p *process) logged(msg string) int { return p.log.count(msg) }

// wait waits up to limit for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(limit):
		t.Fatalf("the process did not exit within %s", limit)
	}
	if p.waitErr != nil && p.cmd.ProcessState == nil {
		t.Fatalf("wait: %v", p.waitErr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// processLog collects a process's output, line by line, and reports its
// listen address once.
type processLog struct {
	listening chan string

	mu      sync.Mutex
	partial []byte
	lines   []string
	msgs    map[string]int
}

// Write is where the process's stdout and stderr go.
func (l *processLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		l.lines = append(l.lines, line)
		var entry struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &entry) != nil {
			continue // the human "ready" line on stderr
		}
		if l.msgs == nil {
			l.msgs = make(map[string]int)
		}
		l.msgs[entry.Msg]++
		if entry.Msg == "listening" {
			select {
			case l.listening <- entry.Addr:
			default: // reported already
			}
		}
	}
}

func (l *processLog) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.msgs[msg]
}

func (l *processLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n") + string(l.partial)
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countRows runs a count query on the database at url.
func countRows(t *testing.T, url, sql string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}
