package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseProfile(t *testing.T) {
	tests := []struct {
		in       string
		want     []stage
		duration time.Duration
		users    int
	}{
		{"smoke", []stage{{0, 5}, {30 * time.Second, 5}}, 30 * time.Second, 5},
		{"load", []stage{{30 * time.Second, 20}, {time.Minute, 20}, {30 * time.Second, 50}, {time.Minute, 50},
			{30 * time.Second, 80}, {time.Minute, 80}}, 270 * time.Second, 80},
		{" 0s:50, 1m:50 ", []stage{{0, 50}, {time.Minute, 50}}, time.Minute, 50},
		{"10s:3,5s:0", []stage{{10 * time.Second, 3}, {5 * time.Second, 0}}, 15 * time.Second, 3},
	}
	for _, tt := range tests {
		p, err := parseProfile(tt.in)
		if err != nil {
			t.Errorf("parseProfile(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, p.Stages); diff != "" {
			t.Errorf("parseProfile(%q) stages (-want +got):\n%s", tt.in, diff)
		}
		if p.Duration() != tt.duration || p.MaxUsers() != tt.users {
			t.Errorf("parseProfile(%q): %s and %d users, want %s and %d", tt.in, p.Duration(), p.MaxUsers(), tt.duration, tt.users)
		}
	}
}

func TestParseProfileRejects(t *testing.T) {
	tests := map[string]string{
		"":          "empty profile",
		"heavy":     `stage "heavy": want DURATION:USERS`,
		"30:5":      `"30" is not a duration`,
		"-5s:5":     `"-5s" is not a duration`,
		"30s:x":     "users must be a whole number",
		"30s:-1":    "users must be a whole number",
		"30s:10001": "users must be a whole number in 0..10000",
		"0s:5":      "lasts no time",
		"30s:0":     "never has a user",
		"30s:5,":    `stage "": want DURATION:USERS`,
	}
	for in, want := range tests {
		_, err := parseProfile(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseProfile(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestProfileAt(t *testing.T) {
	p, err := parseProfile("10s:20,10s:20,0s:5,10s:5,10s:0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at           time.Duration
		users, stage int
	}{
		{0, 0, 0},
		{240 * time.Millisecond, 0, 0},
		{260 * time.Millisecond, 1, 0}, // rounded to the nearest user
		{5 * time.Second, 10, 0},
		{10 * time.Second, 20, 1},
		{19 * time.Second, 20, 1},
		{20 * time.Second, 5, 3}, // the zero-length stage 2 is passed through
		{30 * time.Second, 5, 4},
		{35 * time.Second, 3, 4}, // 2.5 rounds up
		{40 * time.Second, 0, 4}, // the end
		{time.Hour, 0, 4},
	}
	for _, tt := range tests {
		users, st := p.At(tt.at)
		if users != tt.users || st != tt.stage {
			t.Errorf("At(%s) = %d users in stage %d, want %d in stage %d", tt.at, users, st, tt.users, tt.stage)
		}
	}
}

func TestProfileLabel(t *testing.T) {
	p, err := parseProfile("30s:20,1m:20,0s:5,10s:0")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ramp 0→20 over 30s", "hold 20 for 1m0s", "jump 20→5", "ramp 5→0 over 10s"}
	for i, w := range want {
		if got := p.Label(i); got != w {
			t.Errorf("Label(%d) = %q, want %q", i, got, w)
		}
	}
}
