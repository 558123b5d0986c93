package main

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// bookIDPlaceholder in a hammer URL is replaced by a random book id of the
// catalogue on every request.
const bookIDPlaceholder = "{bookId}"

// hammerConfig is everything a hammer run needs to know.
type hammerConfig struct {
	URLs     []string      // requested in turn by each connection; may hold {bookId}
	Conns    int           // concurrent connections, each one request at a time
	Duration time.Duration // how long requests are measured
	Warmup   time.Duration // how long requests are sent, unmeasured, before that
}

// runHammer has cfg.Conns workers send GET requests, each as soon as the
// previous one is answered, to cfg.URLs in turn (worker i starts at URL i),
// for cfg.Warmup and then cfg.Duration. Only requests sent after the warm-up
// are recorded (route: the URL's index); the run then waits for the requests
// still under way. ids fill the {bookId} placeholders. It returns the
// samples, the error messages and the measured window.
func runHammer(ctx context.Context, hc *http.Client, cfg hammerConfig, ids []string) ([]sample, map[string]int, time.Duration) {
	begin := time.Now()
	measureFrom := begin.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Duration)
	recs := make([]*recorder, cfg.Conns)
	var wg sync.WaitGroup
	for w := range cfg.Conns {
		rec := newRecorder()
		recs[w] = rec
		wg.Go(func() {
			for n := w; ctx.Err() == nil; n++ {
				sent := time.Now()
				if !sent.Before(end) {
					return
				}
				route := n % len(cfg.URLs)
				target := cfg.URLs[route]
				if len(ids) > 0 {
					target = strings.ReplaceAll(target, bookIDPlaceholder, ids[mrand.IntN(len(ids))])
				}
				took, err := do(ctx, hc, "", call{Method: http.MethodGet, Path: target, Want: http.StatusOK})
				if errors.Is(err, errCanceled) || sent.Before(measureFrom) {
					continue
				}
				msg := ""
				if err != nil {
					msg = routeName(cfg.URLs[route]) + ": " + err.Error()
				}
				rec.record(route, 0, took, err != nil, msg)
			}
		})
	}
	wg.Wait()
	samples, errors := merge(recs)
	return samples, errors, cfg.Duration
}

// routeName is how the report names a hammer URL: its path and query.
func routeName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return raw
	}
	name := strings.ReplaceAll(u.EscapedPath(), url.PathEscape(bookIDPlaceholder), bookIDPlaceholder)
	if u.RawQuery != "" {
		name += "?" + u.RawQuery
	}
	return "GET " + name
}

// collectBookIDs reads up to n book ids from the catalogue at origin, a
// thousand per page, for the {bookId} placeholder.
func collectBookIDs(ctx context.Context, hc *http.Client, origin string, n int) ([]string, error) {
	var ids []string
	cursor := ""
	for len(ids) < n {
		q := url.Values{"pageSize": {strconv.Itoa(min(1000, n-len(ids)))}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page bookPage
		if _, err := do(ctx, hc, origin, call{Method: http.MethodGet, Path: "/api/books?" + q.Encode(),
			Want: http.StatusOK, Out: &page}); err != nil {
			return nil, fmt.Errorf("collect book ids: GET /api/books: %w", err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			break
		}
		cursor = *page.NextCursor
	}
	if len(ids) == 0 {
		return nil, errors.New("collect book ids: the catalogue is empty; seed it first (bookapp seed)")
	}
	return ids, nil
}
