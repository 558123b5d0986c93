package main

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

const statusText = `Name:	bookapp
Umask:	0022
State:	S (sleeping)
VmPeak:	 1820440 kB
VmSize:	 1820440 kB
VmHWM:	   91236 kB
VmRSS:	   84012 kB
RssAnon:	   60000 kB
Threads:	9
`

func TestParseStatus(t *testing.T) {
	m, err := parseStatus(strings.NewReader(statusText))
	if err != nil {
		t.Fatal(err)
	}
	if want := (memory{RSS: 84012 * 1024, HWM: 91236 * 1024}); m != want {
		t.Errorf("parseStatus = %+v, want %+v", m, want)
	}
}

func TestParseStatusRejects(t *testing.T) {
	tests := map[string]string{
		"kernel thread": "Name:\tkthreadd\nState:\tS (sleeping)\n",
		"only VmRSS":    "VmRSS:\t 100 kB\n",
		"no unit":       "VmHWM:\t 100\nVmRSS:\t 100\n",
		"not a number":  "VmHWM:\t 1x0 kB\nVmRSS:\t 100 kB\n",
	}
	for name, text := range tests {
		if m, err := parseStatus(strings.NewReader(text)); err == nil {
			t.Errorf("%s: parseStatus = %+v, want an error", name, m)
		}
	}
}

func TestWatchMemoryOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/status is Linux's")
	}
	w := watchMemory(os.Getpid(), time.Millisecond)
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1 // touch every page, so it is resident
	}
	time.Sleep(20 * time.Millisecond)
	m := w.Stop()
	runtime.KeepAlive(ballast)
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	if m.PeakRSS < 64<<20 || m.HWM < 64<<20 {
		t.Errorf("peak RSS %d, VmHWM %d: want both above the 64 MiB just touched", m.PeakRSS, m.HWM)
	}
}

func TestWatchMemoryOfAGoneProcess(t *testing.T) {
	w := watchMemory(1<<30, time.Millisecond) // above Linux's pid_max
	m := w.Stop()
	if m.Err == nil || m.PeakRSS != 0 {
		t.Errorf("watch of no process = %+v, want an error and no memory", m)
	}
}

func TestParseProcStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "24387 (my (odd) app) R 24382 24382 5865 0 -1 4194304 99 0 0 0 1234 567 0 0 20 0 9 0 502649 3133440 360\n"
	got, err := parseProcStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1801 * clockTick; got != want {
		t.Errorf("parseProcStat = %s, want %s", got, want)
	}
	for _, bad := range []string{"", "24387 (cat) R 1 2 3", "1 (x) R 1 1 1 0 -1 0 0 0 0 0 ten 5 0"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q): no error", bad)
		}
	}
}

func TestParseMachineStat(t *testing.T) {
	busy, total, err := parseMachineStat("cpu  500 10 100 300 50 0 30 10 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if busy != 650*clockTick || total != 1000*clockTick {
		t.Errorf("busy %s of %s, want %s of %s", busy, total, 650*clockTick, 1000*clockTick)
	}
	for _, bad := range []string{"", "cpu0 1 2 3 4 5 6 7 8", "cpu 1 2 3 x 5 6 7 8"} {
		if _, _, err := parseMachineStat(bad); err == nil {
			t.Errorf("parseMachineStat(%q): no error", bad)
		}
	}
}

func TestCPUBetween(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := cpuSnapshot{at: at, app: time.Second, self: 0, busy: 10 * time.Second, total: 20 * time.Second}
	// Two seconds later on two cores: 4 s of CPU, 3 s of it busy.
	b := cpuSnapshot{at: at.Add(2 * time.Second), app: 3 * time.Second, self: time.Second,
		busy: 13 * time.Second, total: 24 * time.Second}
	got, ok := cpuBetween(a, b, true)
	want := cpuReport{App: 1, Self: 0.5, Machine: 1.5, Cores: 2, HasApp: true}
	if !ok || got != want {
		t.Errorf("cpuBetween = %+v, %v; want %+v", got, ok, want)
	}
	b.err = errors.New("gone")
	if _, ok := cpuBetween(a, b, true); ok {
		t.Error("cpuBetween accepted a failed snapshot")
	}
}

func TestTakeCPUOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	a := takeCPU(os.Getpid())
	for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
		// Spin, so this process uses CPU between the snapshots.
	}
	r, ok := cpuBetween(a, takeCPU(os.Getpid()), true)
	if !ok || a.err != nil {
		t.Fatalf("cpuBetween: %v, %v", ok, a.err)
	}
	if r.App < 0.3 || r.Self < 0.3 || r.Machine < 0.3 || r.Cores != runtime.NumCPU() {
		t.Errorf("cores busy while spinning on one: %+v, want app and loadgen near 1", r)
	}
}
