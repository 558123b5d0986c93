package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memory is a process's resident set size as Linux reports it in
// /proc/<pid>/status, in bytes: VmRSS now, and VmHWM, the peak since the
// process started.
type memory struct {
	RSS, HWM int64
}

// parseStatus reads VmRSS and VmHWM from the text of /proc/<pid>/status,
// where they appear as "VmRSS:     81234 kB".
func parseStatus(r io.Reader) (memory, error) {
	var m memory
	var seen int
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return memory{}, fmt.Errorf("unexpected %s line %q", key, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("unexpected %s line %q", key, sc.Text())
		}
		if key == "VmRSS" {
			m.RSS = kb * 1024
		} else {
			m.HWM = kb * 1024
		}
		seen++
	}
	if err := sc.Err(); err != nil {
		return memory{}, err
	}
	if seen != 2 {
		return memory{}, fmt.Errorf("no VmRSS and VmHWM lines (a kernel thread, or not Linux?)")
	}
	return m, nil
}

// readMemory reads the memory of process pid.
func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	defer f.Close()
	m, err := parseStatus(f)
	if err != nil {
		return memory{}, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	return m, nil
}

// A memoryWatch samples a process's memory during a run. VmHWM alone would
// do, but it also counts start-up; the highest VmRSS sampled while the load
// ran says what the load itself needed.
type memoryWatch struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	startRSS int64 // VmRSS of the first sample
	peakRSS  int64 // highest VmRSS seen
	last     memory
	err      error // the first failed read; sampling stops there
}

// watchMemory starts sampling process pid's memory every interval.
func watchMemory(pid int, interval time.Duration) *memoryWatch {
	w := &memoryWatch{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for w.sample() {
			select {
			case <-w.stop:
				w.sample()
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// sample reads the memory once and reports whether to go on.
func (w *memoryWatch) sample() bool {
	m, err := readMemory(w.pid)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return false
	}
	if w.peakRSS == 0 {
		w.startRSS = m.RSS
	}
	w.last = m
	w.peakRSS = max(w.peakRSS, m.RSS)
	return true
}

// memoryReport is what a memoryWatch saw.
type memoryReport struct {
	StartRSS int64 // VmRSS when the run started
	PeakRSS  int64 // highest VmRSS sampled during the run
	HWM      int64 // VmHWM at the end: the peak since the process started
	Err      error // why sampling stopped early, if it did
}

// Stop ends the sampling and returns what it saw.
func (w *memoryWatch) Stop() memoryReport {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return memoryReport{StartRSS: w.startRSS, PeakRSS: w.peakRSS, HWM: w.last.HWM, Err: w.err}
}

// loadAverage returns the machine's 1-, 5- and 15-minute load averages from
// /proc/loadavg, such as "1.02 0.87 0.65", or "unknown" off Linux. On a
// machine shared with other work, it says how far to trust the numbers.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// clockTick is the unit of the CPU times in /proc: USER_HZ, which Linux
// fixes at 100 per second for user space whatever the kernel's own HZ.
const clockTick = 10 * time.Millisecond

// parseProcStat returns the CPU time (user and system) that a process has
// used, from the text of /proc/<pid>/stat. The command name in parentheses
// may hold spaces and parentheses itself, so fields count from the last ")".
func parseProcStat(text string) (time.Duration, error) {
	i := strings.LastIndexByte(text, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected stat line %.40q", text)
	}
	// After ")": state (field 3), ..., utime (field 14), stime (field 15).
	f := strings.Fields(text[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected stat line %.40q", text)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected stat line %.40q", text)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// parseMachineStat returns the CPU time all cores have spent busy and in
// total, from the first line of /proc/stat: "cpu user nice system idle
// iowait irq softirq steal ...". Idle and iowait are not busy.
func parseMachineStat(text string) (busy, total time.Duration, err error) {
	line, _, _ := strings.Cut(text, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("unexpected /proc/stat line %.40q", line)
	}
	var ticks [8]int64
	for i := range ticks {
		if ticks[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("unexpected /proc/stat line %.40q", line)
		}
	}
	var all int64
	for _, t := range ticks {
		all += t
	}
	idle := ticks[3] + ticks[4]
	return time.Duration(all-idle) * clockTick, time.Duration(all) * clockTick, nil
}

// A cpuSnapshot is the CPU time used so far by the app, by loadgen itself
// and by the whole machine.
type cpuSnapshot struct {
	at          time.Time
	app, self   time.Duration
	busy, total time.Duration
	err         error // the first failed read: the snapshot is not usable
}

// takeCPU reads the CPU times now; pid 0 means no app to read.
func takeCPU(pid int) cpuSnapshot {
	s := cpuSnapshot{at: time.Now()}
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil && s.err == nil {
			s.err = err
		}
		return string(b)
	}
	var err error
	if pid > 0 {
		if s.app, err = parseProcStat(read(fmt.Sprintf("/proc/%d/stat", pid))); err != nil && s.err == nil {
			s.err = err
		}
	}
	if s.self, err = parseProcStat(read("/proc/self/stat")); err != nil && s.err == nil {
		s.err = err
	}
	if s.busy, s.total, err = parseMachineStat(read("/proc/stat")); err != nil && s.err == nil {
		s.err = err
	}
	return s
}

// A cpuReport says how many cores were busy on average between two
// snapshots: on a machine that runs the app, its database and the load
// generator, it shows who had the CPU.
type cpuReport struct {
	App, Self, Machine float64 // cores busy on average
	Cores              int     // cores of the machine
	HasApp             bool
}

// cpuBetween compares two snapshots; ok is false when either is unusable.
func cpuBetween(a, b cpuSnapshot, hasApp bool) (r cpuReport, ok bool) {
	wall := b.at.Sub(a.at).Seconds()
	if a.err != nil || b.err != nil || wall <= 0 || b.total <= a.total {
		return cpuReport{}, false
	}
	cores := float64(b.total-a.total) / float64(time.Second) / wall
	return cpuReport{
		App:     (b.app - a.app).Seconds() / wall,
		Self:    (b.self - a.self).Seconds() / wall,
		Machine: float64(b.busy-a.busy) / float64(b.total-a.total) * cores,
		Cores:   int(cores + 0.5),
		HasApp:  hasApp,
	}, true
}

// A runWatch observes the machine while a run measures: the load average
// and CPU use, and the app's memory when its pid is known.
type runWatch struct {
	pid        int
	loadBefore string
	cpu        cpuSnapshot
	mem        *memoryWatch
}

// watchRun starts observing; pid 0 means the app's process is unknown.
func watchRun(pid int) *runWatch {
	w := &runWatch{pid: pid, loadBefore: loadAverage(), cpu: takeCPU(pid)}
	if pid > 0 {
		w.mem = watchMemory(pid, 250*time.Millisecond)
	}
	return w
}

// Stop ends the observation and adds what it saw to r.
func (w *runWatch) Stop(r *report) {
	if w.mem != nil {
		m := w.mem.Stop()
		r.Memory = &m
	}
	if c, ok := cpuBetween(w.cpu, takeCPU(w.pid), w.pid > 0); ok {
		r.CPU = &c
	}
	r.Machine = fmt.Sprintf("%d CPUs, load average %s before, %s after", runtime.NumCPU(), w.loadBefore, loadAverage())
}
