package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// newHTTPClient returns a client for conns concurrent connections to one
// host. The default Transport keeps only two idle connections per host, so
// under load most requests would open a new connection (and leave sockets in
// TIME_WAIT); this one keeps every connection for reuse.
func newHTTPClient(conns int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:               nil, // measure the app, never a proxy from the environment
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns + 16,
			MaxIdleConnsPerHost: conns + 16,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // bodies as the app sends them; a load generator need not spend CPU on gzip
			ForceAttemptHTTP2:   false,
		},
		// The API answers redirects to nobody; following one would hide a bug.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// A call is one request of a run.
type call struct {
	Method, Path string
	Token        string // sent as Authorization: Bearer when not ""
	Header       http.Header
	Body         any // marshalled to JSON when not nil
	Want         int // the expected status; any other fails the call
	Out          any // the JSON response body is decoded into it when not nil
}

// errCanceled marks a call cut short because the run is over; such calls are
// not recorded.
var errCanceled = errors.New("run over")

// bodies holds response buffers for reuse: a page of 100 books is tens of
// kilobytes, and a load generator allocating that per request spends CPU on
// garbage collection that the app on the same machine could use.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// do sends c to base and returns how long it took, up to the last byte of the
// body. A response with another status than c.Want, or whose body does not
// decode into c.Out, is an error whose message names the status and the
// problem's detail, so the report can say what went wrong.
func do(ctx context.Context, hc *http.Client, base string, c call) (time.Duration, error) {
	var body io.Reader
	if c.Body != nil {
		b, err := json.Marshal(c.Body)
		if err != nil {
			return 0, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, base+c.Path, body)
	if err != nil {
		return 0, err
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("Accept", "application/json")

	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return time.Since(start), errCanceled
		}
		return time.Since(start), transportError(err)
	}
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	b := buf.Bytes()
	if err != nil {
		if ctx.Err() != nil {
			return took, errCanceled
		}
		return took, fmt.Errorf("read body: %w", transportError(err))
	}
	if resp.StatusCode != c.Want {
		return took, statusError(resp.StatusCode, b)
	}
	if c.Out != nil {
		if err := json.Unmarshal(b, c.Out); err != nil {
			return took, fmt.Errorf("status %d, but the body does not decode: %v", resp.StatusCode, err)
		}
	}
	return took, nil
}

// transportError drops the method and URL that net/http puts around a
// transport error: the route already says which request it was, and one
// message per kind of failure keeps the report's error list short.
func transportError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	return fmt.Errorf("transport: %w", err)
}

// statusError describes an unexpected answer by its status and, for a
// problem+json body, its title and detail.
func statusError(status int, body []byte) error {
	var p struct{ Title, Detail string }
	if json.Unmarshal(body, &p) == nil && (p.Title != "" || p.Detail != "") {
		return fmt.Errorf("status %d: %s", status, strings.TrimSpace(p.Title+": "+p.Detail))
	}
	const max = 120
	text := strings.TrimSpace(string(body))
	if len(text) > max {
		text = text[:max] + "…"
	}
	return fmt.Errorf("status %d: %q", status, text)
}

// waitReady polls base/readyz until it answers 200 or wait has passed, so a
// run can start while the app is still migrating. With pid above 0, it gives
// up at once when that process (the app) is gone.
func waitReady(ctx context.Context, hc *http.Client, base string, wait time.Duration, pid int) error {
	deadline := time.Now().Add(wait)
	for {
		_, err := do(ctx, hc, base, call{Method: http.MethodGet, Path: "/readyz", Want: http.StatusOK})
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if pid > 0 {
			if _, perr := os.Stat(fmt.Sprintf("/proc/%d", pid)); errors.Is(perr, fs.ErrNotExist) {
				return fmt.Errorf("the app (process %d) exited before %s/readyz answered 200", pid, base)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz did not answer 200 within %s: %w", base, wait, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
