package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRunRejectsBadUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"flood"}, `unknown command "flood"`},
		{[]string{"scenario", "-profile", "heavy"}, `profile stage "heavy"`},
		{[]string{"scenario", "-url", "localhost:8080"}, "is not an http(s) URL"},
		{[]string{"scenario", "-page-size", "0"}, "-page-size must be in 1..1000"},
		{[]string{"scenario", "-pages", "0"}, "-pages must be at least 1"},
		{[]string{"scenario", "-p95-limit", "-1s"}, "limits must not be negative"},
		{[]string{"scenario", "extra"}, `unexpected argument "extra"`},
		{[]string{"scenario", "-users", "5"}, "flag provided but not defined: -users"},
		{[]string{"hammer"}, "give at least one URL"},
		{[]string{"hammer", "-c", "0", "http://localhost:8080/"}, "-c must be at least 1"},
		{[]string{"hammer", "http://a:1/x", "http://b:1/y"}, "every URL must be on the same host"},
		{[]string{"hammer", "-d", "0s", "http://a:1/x"}, "-d must be positive"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tt.args, &out, &errOut)
		var usage usageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestRunHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "loadgen scenario") {
		t.Errorf("help: %v, %q", err, out.String())
	}
	err := run(context.Background(), []string{"scenario", "-h"}, &out, &errOut)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "-profile") || !strings.Contains(errOut.String(), "0s:50,1m:50") {
		t.Errorf("scenario -h: %v, %q", err, errOut.String())
	}
}

func TestRunWaitsForReadiness(t *testing.T) {
	api, srv := newFakeAPI(t, 10)
	api.fail("GET /readyz", 503)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"scenario", "-url", srv.URL, "-wait", "300ms"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "/readyz did not answer 200 within 300ms: status 503") {
		t.Fatalf("err = %v, want the app not ready", err)
	}
	if n := api.count("GET /readyz"); n < 2 {
		t.Errorf("/readyz asked %d times, want it polled", n)
	}
	if n := api.count("POST /api/users"); n != 0 {
		t.Errorf("%d sign-ups before the app was ready", n)
	}
}

func TestRunGivesUpWhenTheAppIsGone(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("process check through /proc")
	}
	api, srv := newFakeAPI(t, 10)
	api.fail("GET /readyz", 503)
	var out, errOut bytes.Buffer
	start := time.Now()
	err := run(context.Background(), []string{"hammer", "-pid", "1073741824", srv.URL + "/readyz"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "the app (process 1073741824) exited") {
		t.Fatalf("err = %v, want the app gone", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s to notice, want at once", took)
	}
}
