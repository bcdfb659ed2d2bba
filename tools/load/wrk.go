package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// result is what one load of one address measured.
type result struct {
	Requests int64
	RPS      float64
	P50, P99 time.Duration
	// Errors counts responses outside 2xx and 3xx, and connect, read,
	// write and timeout errors.
	Errors int64
}

// loadSettings are wrk's settings, the same for every address of a run.
type loadSettings struct {
	Threads, Connections int
	Duration, Warmup     time.Duration
	Timeout              time.Duration
}

func (s loadSettings) String() string {
	return fmt.Sprintf("wrk -t%d -c%d -d%v --timeout %v --latency -H 'Accept-Encoding: gzip, br', after %v warm-up",
		s.Threads, s.Connections, s.Duration, s.Timeout, s.Warmup)
}

// acceptEncoding is what a browser sends, and so every request here.
const acceptEncoding = "gzip, br"

// checkLoopback refuses any address but one on this machine's loopback.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
		return fmt.Errorf("%s: only http://127.0.0.1 and http://[::1] are ever loaded", raw)
	}
	return nil
}

// runWrk warms target up, then loads it and parses what wrk printed. A
// non-empty paths list rotates the requests over those paths, each
// thread starting at its own place.
func runWrk(ctx context.Context, s loadSettings, target string, paths []string, dir string) (result, string, error) {
	if err := checkLoopback(target); err != nil {
		return result{}, "", err
	}
	args := []string{"-t" + strconv.Itoa(s.Threads), "-c" + strconv.Itoa(s.Connections),
		"--timeout", wrkDuration(s.Timeout), "-H", "Accept-Encoding: " + acceptEncoding}
	if len(paths) > 0 {
		script := filepath.Join(dir, "rotate.lua")
		if err := os.WriteFile(script, []byte(rotateScript(paths)), 0o644); err != nil {
			return result{}, "", err
		}
		args = append(args, "-s", script)
	}
	if s.Warmup > 0 {
		warm := append(append([]string{}, args...), "-d"+wrkDuration(s.Warmup), target)
		if out, err := exec.CommandContext(ctx, "wrk", warm...).CombinedOutput(); err != nil {
			return result{}, string(out), fmt.Errorf("wrk warm-up: %w", err)
		}
	}
	args = append(args, "-d"+wrkDuration(s.Duration), "--latency", target)
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return result{}, string(out), fmt.Errorf("wrk: %w: %s", err, out)
	}
	r, err := parseWrk(string(out))
	return r, string(out), err
}

// wrkDuration writes d as wrk reads it, in whole seconds (wrk knows no
// smaller unit); parseFlags allows only whole seconds.
func wrkDuration(d time.Duration) string {
	return strconv.Itoa(int((d+time.Second-1)/time.Second)) + "s"
}

// rotateScript is a wrk Lua script that requests paths in turn.
func rotateScript(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	b.WriteString(`}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function request()
  i = i + 1
  return wrk.format(nil, paths[(i % #paths) + 1])
end
`)
	return b.String()
}

// parseWrk reads the figures of wrk's --latency output.
func parseWrk(out string) (result, error) {
	var r result
	var haveRPS, haveP50, haveP99, haveCount bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk requests/sec %q: %w", f[1], err)
			}
			r.RPS, haveRPS = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := parseLatency(f[1])
			if err != nil {
				return r, err
			}
			if f[0] == "50%" {
				r.P50, haveP50 = d, true
			} else {
				r.P99, haveP99 = d, true
			}
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			v, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk request count %q: %w", f[0], err)
			}
			r.Requests, haveCount = v, true
		case len(f) == 10 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for _, i := range []int{3, 5, 7, 9} {
				v, err := strconv.ParseInt(strings.TrimSuffix(f[i], ","), 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk socket errors %q: %w", sc.Text(), err)
				}
				r.Errors += v
			}
		case len(f) == 5 && strings.Join(f[:4], " ") == "Non-2xx or 3xx responses:":
			v, err := strconv.ParseInt(f[4], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk non-2xx %q: %w", f[4], err)
			}
			r.Errors += v
		}
	}
	if !haveRPS || !haveP50 || !haveP99 || !haveCount {
		return r, fmt.Errorf("wrk printed no requests/sec, 50%%, 99%% or request count (was it run with --latency?)")
	}
	return r, nil
}

// parseLatency reads one of wrk's latencies: 812.00us, 1.23ms, 2.01s, 1.00m.
func parseLatency(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute},
		{"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				break
			}
			return time.Duration(math.Round(v * float64(u.unit))), nil
		}
	}
	return 0, fmt.Errorf("wrk latency %q: not a number with us, ms, s, m or h", s)
}
