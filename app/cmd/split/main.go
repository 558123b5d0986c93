// Command split runs bookapp as a split deployment on this machine, with no
// setup: a NATS server (in this process, from the nats-server module), a
// PostgreSQL cluster per context (from the installed binaries, kept in
// -dir between runs) and one `bookapp serve -contexts <context>` process per
// context. It prints where each listens; Ctrl-C stops them all. `make
// run-split` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"example.com/bookapp/devtools/devsecret"
	"example.com/bookapp/devtools/natslocal"
	"example.com/bookapp/devtools/pglocal"
)

// The contexts, each with its port offset from -port.
var contexts = []string{"books", "orders", "users"}

const adminEmail = "admin@example.com"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "split:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dir := flag.String("dir", ".splitdata", "where the clusters, NATS' store and the logs live")
	bin := flag.String("bin", "bin/bookapp", "the bookapp binary")
	port := flag.Int("port", 8081, "books listens on it, orders on the next port, users on the one after")
	seedBooks := flag.Int("books", 1000, "demo books seeded into books' database the first time")
	front := flag.String("front", "127.0.0.1:8080", "the front door: one address that routes each path to its context's process, as a deployment's ingress would (\"\": none)")
	flag.Parse()
	if _, err := os.Stat(*bin); err != nil {
		return fmt.Errorf("no bookapp binary at %s (make build): %w", *bin, err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}

	nats, err := natslocal.Start(natslocal.Options{Dir: filepath.Join(*dir, "nats")})
	if err != nil {
		return err
	}
	defer nats.Shutdown()
	fmt.Printf("NATS        %s\n", nats.URL())

	urls := map[string]string{}
	for _, c := range contexts {
		cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: filepath.Join(*dir, "pg-"+c), Persistent: true})
		if err != nil {
			return fmt.Errorf("the %s database: %w", c, err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = cluster.Stop(sctx)
		}()
		urls[c] = cluster.URL("postgres")
		fmt.Printf("%-11s %s\n", c+" db", urls[c])
	}
	password, err := devsecret.Password(filepath.Join(*dir, "admin-password"))
	if err != nil {
		return err
	}
	envOf := func(c string) []string {
		return append(os.Environ(), "BOOKAPP_NATS_URL="+nats.URL(), "BOOKAPP_"+strings.ToUpper(c)+"_DATABASE_URL="+urls[c],
			"BOOKAPP_ADMIN_EMAIL="+adminEmail, "BOOKAPP_ADMIN_PASSWORD="+password)
	}
	seed := exec.CommandContext(ctx, *bin, "seed", "-books", fmt.Sprint(*seedBooks), "-if-empty", "-log-level", "warn")
	seed.Env, seed.Stdout, seed.Stderr = envOf("books"), os.Stdout, os.Stderr
	if err := seed.Run(); err != nil {
		return fmt.Errorf("seed books: %w", err)
	}

	var procs []*exec.Cmd
	exited := map[*exec.Cmd]chan struct{}{}
	defer func() { // SIGTERM to all, then wait: each drains its requests; a minute at most
		for _, p := range procs {
			_ = p.Process.Signal(syscall.SIGTERM)
		}
		for _, p := range procs {
			select {
			case <-exited[p]:
			case <-time.After(time.Minute):
				_ = p.Process.Kill()
				<-exited[p]
			}
		}
	}()
	bases := map[string]string{}
	for i, c := range contexts {
		addr := fmt.Sprintf("127.0.0.1:%d", *port+i)
		logFile, err := os.Create(filepath.Join(*dir, c+".log"))
		if err != nil {
			return err
		}
		defer logFile.Close()
		p := exec.Command(*bin, "serve", "-addr", addr, "-contexts", c)
		p.Env, p.Stdout, p.Stderr = envOf(c), logFile, logFile
		if err := p.Start(); err != nil {
			return err
		}
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		procs, exited[p] = append(procs, p), done
		bases[c] = "http://" + addr
	}
	for i, c := range contexts {
		if err := waitReady(ctx, bases[c], exited[procs[i]]); err != nil {
			return fmt.Errorf("%s did not become ready (see %s): %w", c, filepath.Join(*dir, c+".log"), err)
		}
	}
	if *front != "" {
		srv, err := frontDoor(*front, bases)
		if err != nil {
			return err
		}
		defer srv.Close()
	}
	fmt.Println()
	for _, c := range contexts {
		fmt.Printf("%-11s %s   (log %s)\n", c, bases[c], filepath.Join(*dir, c+".log"))
	}
	if *front != "" {
		fmt.Printf("%-11s http://%s   (the shop in a browser: each path to its context)\n", "front door", *front)
	}
	fmt.Printf("\nadmin: %s / %s\nEach process serves its own context's API and pages; Ctrl-C stops them all.\n", adminEmail, password)
	<-ctx.Done()
	fmt.Println("\nstopping")
	return nil
}

// owners are the path prefixes of the users and orders contexts' routes
// (API and pages); every other path is books'. A deployment's ingress
// would hold the same table.
var owners = []struct{ prefix, context string }{
	{"/api/users", "users"}, {"/api/auth", "users"}, {"/account", "users"},
	{"/signin", "users"}, {"/signout", "users"}, {"/signup", "users"},
	{"/api/orders", "orders"}, {"/orders", "orders"}, {"/basket", "orders"},
	{"/checkout", "orders"}, {"/admin/orders", "orders"},
}

// ownerOf returns the context whose process serves path.
func ownerOf(path string) string {
	for _, o := range owners {
		if path == o.prefix || strings.HasPrefix(path, o.prefix+"/") {
			return o.context
		}
	}
	return "books"
}

// frontDoor serves addr, passing each request to the process of the
// context that owns its path.
func frontDoor(addr string, bases map[string]string) (*http.Server, error) {
	proxies := map[string]*httputil.ReverseProxy{}
	for c, base := range bases {
		u, err := url.Parse(base)
		if err != nil {
			return nil, err
		}
		p := httputil.NewSingleHostReverseProxy(u)
		p.Transport = &http.Transport{MaxIdleConnsPerHost: 256}
		proxies[c] = p
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the front door: %w", err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[ownerOf(r.URL.Path)].ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}

// waitReady waits up to two minutes for base's /readyz to say 200, unless
// the process exits first.
func waitReady(ctx context.Context, base string, exited <-chan struct{}) error {
	deadline := time.Now().Add(2 * time.Minute)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/readyz = %d", resp.StatusCode)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		select {
		case <-exited:
			return errors.New("the process exited")
		case <-time.After(250 * time.Millisecond):
		}
	}
}
