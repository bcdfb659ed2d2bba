package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// The soak's verdict: no request may fail, and the hub's resident memory
// in the last window may be at most this much above the first window.
const (
	soakWindow    = 20 * time.Second
	maxSoakGrowth = 0.10
)

// soakResult is one soak run's figures.
type soakResult struct {
	load        loadSettings
	backend     string
	paths       int
	wrk         result
	rss         []int64 // kB, one reading a second
	first, last int64   // mean kB of the first and last windows
	window      time.Duration
	growth      float64
	materials   int
}

// soak loads a mix of public pages, searches and feeds with many
// connections for a fixed time while it reads the hub's memory every
// second, and fails on any failed request or on memory that keeps
// growing.
func soak(ctx context.Context, o options, bin string, serveArgs []string, work, backend string,
	stdout io.Writer, logf func(string, ...any)) error {
	srv, err := start(bin, serveArgs, filepath.Join(work, "server.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitFor("/healthz", time.Minute); err != nil {
		return err
	}
	paths, err := soakPaths(srv.base)
	if err != nil {
		return err
	}

	r := &soakResult{load: o.load, backend: backend, paths: len(paths), materials: o.materials}
	warm := o.load
	warm.Warmup = 0
	if o.load.Warmup > 0 {
		logf("soak: warming up for %v", o.load.Warmup)
		warm.Duration = o.load.Warmup
		if _, _, err := runWrk(ctx, warm, srv.base+paths[0], paths, work); err != nil {
			return err
		}
	}
	logf("soak: %v with %d connections over %d addresses, memory read every second",
		o.load.Duration, o.load.Connections, len(paths))
	series := sampleSeries(srv.cmd.Process.Pid, time.Second)
	warm.Duration = o.load.Duration
	res, raw, err := runWrk(ctx, warm, srv.base+paths[0], paths, work)
	r.rss = series.finish()
	if err != nil {
		return err
	}
	r.wrk = res
	if err := os.WriteFile(filepath.Join(work, "soak.wrk.txt"), []byte(raw), 0o644); err != nil {
		return err
	}
	r.levels(o.load.Duration)

	fmt.Fprint(stdout, r.report())
	return r.verdict()
}

// soakPaths is the mix: the front page, listings, every material the
// first listings show, searches and the three feeds, with the cheap
// pages repeated so they come up as often as readers ask for them.
func soakPaths(base string) ([]string, error) {
	var materials []string
	for _, kind := range []string{"artikel", "film", "vejledning", "link"} {
		page, _, err := fetch(base+"/materialer?type="+kind, "")
		if err != nil {
			return nil, err
		}
		for _, m := range materialLink.FindAllStringSubmatch(string(page), -1) {
			materials = append(materials, m[1])
		}
	}
	if len(materials) == 0 {
		return nil, fmt.Errorf("the listings show no material")
	}
	fixed := []string{"/", "/materialer", "/materialer?maalgruppe=foraeldre", "/materialer?klassetrin=0-3",
		"/feed/rss", "/feed/atom", "/feed/json", "/feed/rss?maalgruppe=foraeldre", "/sitemap.xml"}
	var out []string
	searches := searchPaths(100)
	for i, s := range searches {
		out = append(out, fixed[i%len(fixed)], materials[i%len(materials)], s)
	}
	out = append(out, materials...)
	return slices.Clip(out), nil
}

// levels computes the mean memory of the first and the last window, each
// a third of the run at most.
func (r *soakResult) levels(d time.Duration) {
	r.window = min(soakWindow, d/3)
	n := int(r.window / time.Second)
	if n < 1 || len(r.rss) < 2*n {
		return
	}
	r.first, r.last = mean(r.rss[:n]), mean(r.rss[len(r.rss)-n:])
	if r.first > 0 {
		r.growth = float64(r.last-r.first) / float64(r.first)
	}
}

func mean(v []int64) int64 {
	var sum int64
	for _, x := range v {
		sum += x
	}
	return sum / int64(len(v))
}

func (r *soakResult) verdict() error {
	var bad []string
	if r.wrk.Errors > 0 {
		bad = append(bad, fmt.Sprintf("%d failed requests", r.wrk.Errors))
	}
	if r.first == 0 {
		bad = append(bad, fmt.Sprintf("too few memory readings (%d)", len(r.rss)))
	} else if r.growth > maxSoakGrowth {
		bad = append(bad, fmt.Sprintf("memory grew %.0f%% from the first to the last %v", r.growth*100, r.window))
	}
	if len(bad) > 0 {
		return fmt.Errorf("soak: %s", strings.Join(bad, "; "))
	}
	return nil
}

func (r *soakResult) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Soak: %v on %s, %d materials\n\n", r.load.Duration, r.backend, r.materials)
	fmt.Fprintf(&b, "%s, %d addresses in turn (pages, searches, feeds)\n\n", r.load, r.paths)
	fmt.Fprintf(&b, "| figure | value | target | verdict |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| requests | %s (%s/s) | | |\n", thousands(r.wrk.Requests), rps(r.wrk.RPS))
	fmt.Fprintf(&b, "| latency p50 / p99 | %s / %s | | |\n", ms(r.wrk.P50), ms(r.wrk.P99))
	fmt.Fprintf(&b, "| failed requests | %d | 0 | %s |\n", r.wrk.Errors, verdict(r.wrk.Errors == 0))
	fmt.Fprintf(&b, "| memory, mean of the first %v | %s | | |\n", r.window, mb(r.first))
	fmt.Fprintf(&b, "| memory, mean of the last %v | %s | at most %.0f%% more | %s |\n", r.window, mb(r.last),
		maxSoakGrowth*100, verdict(r.first > 0 && r.growth <= maxSoakGrowth))
	fmt.Fprintf(&b, "\nMemory each second (MB): %s\n", rssLine(r.rss))
	return b.String()
}

func rssLine(rss []int64) string {
	parts := make([]string, len(rss))
	for i, kb := range rss {
		parts[i] = fmt.Sprintf("%.0f", float64(kb)/1024)
	}
	return strings.Join(parts, " ")
}

// series reads a process's resident memory every interval and keeps every
// reading.
type series struct {
	pid  int
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	kb   []int64
}

func sampleSeries(pid int, interval time.Duration) *series {
	s := &series{pid: pid, stop: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if kb, err := memoryKB(s.pid, "VmRSS"); err == nil {
					s.mu.Lock()
					s.kb = append(s.kb, kb)
					s.mu.Unlock()
				}
			}
		}
	})
	return s
}

func (s *series) finish() []int64 {
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kb
}
