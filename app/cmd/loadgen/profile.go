package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A stage moves the number of virtual users in a straight line from the
// previous stage's target (0 before the first stage) to Target over Duration.
// A stage of duration 0 jumps to Target at once.
type stage struct {
	Duration time.Duration
	Target   int
}

// A profile is how many virtual users run over time: its stages, one after
// the other. The run ends with the last stage.
type profile struct {
	Name   string
	Stages []stage
}

// namedProfiles are the profiles a person asks for by name, written in the
// syntax parseProfile reads.
var namedProfiles = map[string]string{
	// smoke checks that the whole scenario works, with a light load.
	"smoke": "0s:5,30s:5",
	// load ramps up to 20, 50 and 80 users and holds each for a minute, so
	// the report has a steady window at each level.
	"load": "30s:20,1m:20,30s:50,1m:50,30s:80,1m:80",
}

// parseProfile reads a profile: a name from namedProfiles, or stages written
// as DURATION:USERS separated by commas, such as "30s:20,1m:20" (ramp up to 20
// users over 30 seconds, then hold 20 for a minute).
func parseProfile(s string) (profile, error) {
	name, spec := strings.TrimSpace(s), strings.TrimSpace(s)
	if named, ok := namedProfiles[name]; ok {
		spec = named
	}
	if spec == "" {
		return profile{}, fmt.Errorf("empty profile: want smoke, load or stages such as 30s:20,1m:20")
	}
	p := profile{Name: name}
	var total time.Duration
	for part := range strings.SplitSeq(spec, ",") {
		d, n, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return profile{}, fmt.Errorf("profile stage %q: want DURATION:USERS, such as 30s:20", part)
		}
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || dur < 0 {
			return profile{}, fmt.Errorf("profile stage %q: %q is not a duration such as 30s", part, d)
		}
		users, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil || users < 0 || users > maxUsers {
			return profile{}, fmt.Errorf("profile stage %q: users must be a whole number in 0..%d", part, maxUsers)
		}
		p.Stages = append(p.Stages, stage{Duration: dur, Target: users})
		total += dur
	}
	if total == 0 {
		return profile{}, fmt.Errorf("profile %q lasts no time: give at least one stage a duration", s)
	}
	if p.MaxUsers() == 0 {
		return profile{}, fmt.Errorf("profile %q never has a user: give a stage a target above 0", s)
	}
	return p, nil
}

// maxUsers bounds a profile's users: each needs an account made with a
// deliberately slow password hash before the run.
const maxUsers = 10000

// Duration is how long the profile runs.
func (p profile) Duration() time.Duration {
	var d time.Duration
	for _, s := range p.Stages {
		d += s.Duration
	}
	return d
}

// MaxUsers is the most users the profile runs at once, the number of accounts
// the run needs.
func (p profile) MaxUsers() int {
	n := 0
	for _, s := range p.Stages {
		n = max(n, s.Target)
	}
	return n
}

// At returns how many users should run elapsed into the profile, and the
// index of the stage under way. Past the end it returns the last target and
// stage. Zero-length stages are passed through, never reported as under way.
func (p profile) At(elapsed time.Duration) (users, stageIndex int) {
	from := 0
	for i, s := range p.Stages {
		if elapsed < s.Duration {
			// Round to the nearest user, so a ramp reaches each level
			// half a step early rather than a whole step late.
			frac := float64(elapsed) / float64(s.Duration)
			return from + int(float64(s.Target-from)*frac+0.5), i
		}
		elapsed -= s.Duration
		from = s.Target
	}
	return from, len(p.Stages) - 1
}

// Label describes stage i for the report: "ramp 20→50 over 30s" or
// "hold 50 for 1m0s".
func (p profile) Label(i int) string {
	from := 0
	if i > 0 {
		from = p.Stages[i-1].Target
	}
	s := p.Stages[i]
	switch {
	case s.Duration == 0:
		return fmt.Sprintf("jump %d→%d", from, s.Target)
	case from == s.Target:
		return fmt.Sprintf("hold %d for %s", s.Target, s.Duration)
	default:
		return fmt.Sprintf("ramp %d→%d over %s", from, s.Target, s.Duration)
	}
}
