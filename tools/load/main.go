// Command load measures Bindeled's public pages under load on this
// machine's loopback, beside the same binary serving the article page's
// bytes as a plain file, and prints the figures with the targets of
// docs/performance.md as a Markdown report. scripts/load runs it from the
// repository's root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bindeled/bindeled/internal/search/corpus"
)

type options struct {
	materials int
	smoke     bool // a quick run that only checks that no request fails
	soak      bool // one long mixed load that checks failures and memory
	load      loadSettings
	starts    int
	rounds    int
	database  string
	cacheDir  string
	out       string
	peers     string
	keep      bool
	logReads  bool // the hub logs every request (serve --log-reads)
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cache, _ := os.UserCacheDir()
	smoke := fs.Bool("smoke", false, "a quick check that everything runs: 100 materials, 1 s per page, no warm-up")
	soak := fs.Bool("soak", false, "instead of the measurement: 60 s of mixed pages, searches and feeds on 256 "+
		"connections after 10 s of warm-up; fails on any failed request or on memory still growing")
	fs.IntVar(&o.materials, "materials", 10000, "published materials in the hub")
	fs.DurationVar(&o.load.Duration, "duration", 10*time.Second, "load per page")
	fs.DurationVar(&o.load.Warmup, "warmup", 2*time.Second, "warm-up per page before it is measured")
	fs.IntVar(&o.load.Connections, "connections", 32, "open connections")
	fs.IntVar(&o.load.Threads, "threads", 2, "wrk threads")
	fs.DurationVar(&o.load.Timeout, "timeout", 10*time.Second, "a response slower than this is an error")
	fs.IntVar(&o.starts, "starts", 5, "starts to time; the median is reported")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of the static file and every page in turn; medians are reported")
	fs.StringVar(&o.database, "database", "",
		"PostgreSQL server on loopback (postgres://postgres@127.0.0.1:5432/postgres); a database of its own "+
			"is made there and dropped after. Empty uses SQLite")
	fs.StringVar(&o.cacheDir, "cache", filepath.Join(cache, "bindeled-load"), "where seeded SQLite hubs are kept")
	fs.StringVar(&o.out, "out", "", "also write the report to this file")
	fs.StringVar(&o.peers, "peers", "../shared/bench/peers", "the peer benchmark's folder (WordPress on 8081)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work folder (binary, data, logs, raw wrk output)")
	fs.BoolVar(&o.logReads, "log-reads", false, "start the hub with --log-reads, a log line for every request")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.smoke, o.soak = *smoke, *soak
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *soak {
		soakDefaults(&o, set)
	}
	if *smoke {
		if !set["materials"] {
			o.materials = 100
		}
		if !set["duration"] {
			o.load.Duration = time.Second
		}
		if !set["warmup"] {
			o.load.Warmup = 0
		}
		if !set["starts"] {
			o.starts = 1
		}
		if !set["rounds"] {
			o.rounds = 1
		}
	}
	if o.materials < 20 || o.load.Duration < time.Second || o.load.Duration > 10*time.Minute ||
		o.load.Warmup < 0 || o.load.Warmup > time.Minute || o.load.Connections < 1 || o.load.Threads < 1 ||
		o.load.Threads > o.load.Connections || o.starts < 1 || o.starts > 25 || o.rounds < 1 || o.rounds > 9 ||
		o.load.Timeout < time.Second ||
		o.load.Duration%time.Second != 0 || o.load.Warmup%time.Second != 0 || o.load.Timeout%time.Second != 0 {
		return o, errors.New("want --materials >= 20, --duration from 1s to 10m, --warmup up to 1m, " +
			"--timeout from 1s, all in whole seconds, --threads <= --connections, --starts from 1 to 25, " +
			"--rounds from 1 to 9")
	}
	if o.database != "" {
		if err := checkDatabase(o.database); err != nil {
			return o, err
		}
	}
	return o, nil
}

// soakDefaults sets the soak's load where the command line did not.
func soakDefaults(o *options, set map[string]bool) {
	if !set["duration"] {
		o.load.Duration = 60 * time.Second
	}
	if !set["warmup"] {
		o.load.Warmup = 10 * time.Second
	}
	if !set["connections"] {
		o.load.Connections = 256
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed: apt-get install -y wrk (scripts/load does it)")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "load %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
	}

	work, err := os.MkdirTemp("", "bindeled-load-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("work folder %s is kept", work)
	} else {
		defer os.RemoveAll(work)
	}

	logf("building bindeled (no race detector)")
	bin, err := buildBindeled(ctx, work)
	if err != nil {
		return err
	}
	data := filepath.Join(work, "data")
	serveArgs := []string{"serve", "--data", data}
	if o.logReads {
		serveArgs = append(serveArgs, "--log-reads")
	}
	backend := "SQLite"
	if o.database == "" {
		if err := cachedHub(ctx, o.cacheDir, data, o.materials, logf); err != nil {
			return err
		}
	} else {
		backend = "PostgreSQL"
		dsn, drop, err := createDatabase(ctx, o.database)
		if err != nil {
			return err
		}
		defer func() {
			if err := drop(); err != nil {
				logf("dropping the database: %v", err)
			}
		}()
		logf("seeding %d materials into PostgreSQL", o.materials)
		if err := seed(ctx, data, dsn, o.materials); err != nil {
			return err
		}
		serveArgs = append(serveArgs, "--database", dsn)
	}
	if o.soak {
		return soak(ctx, o, bin, serveArgs, work, backend, stdout, logf)
	}
	m := &measurement{opts: o, backend: backend, date: time.Now().UTC()}
	if err := m.measure(ctx, bin, serveArgs, work, logf); err != nil {
		return err
	}
	report := m.report()
	fmt.Fprint(stdout, report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if o.smoke {
		return m.failedRequests()
	}
	return nil
}

// failedRequests is an error when any page, or the static file, answered
// a request with an error: the one verdict a smoke run checks, since its
// figures mean nothing.
func (m *measurement) failedRequests() error {
	var bad []string
	for _, t := range append([]*target{&m.static}, m.targets...) {
		if t.Result.Errors > 0 {
			bad = append(bad, fmt.Sprintf("%s: %d", t.Name, t.Result.Errors))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("failed requests (%s)", strings.Join(bad, ", "))
	}
	return nil
}

// target is one public page under load.
type target struct {
	Name  string
	Path  string
	Paths []string // rotated over instead of Path, for search
	// MinShare is the least share of the static file's requests per
	// second the page must reach.
	MinShare float64
	Result   result
	Weight   *weight
	// RSSPeak is the hub's most resident memory while loaded, in kB.
	RSSPeak int64
}

// measurement is one run's figures.
type measurement struct {
	opts     options
	backend  string
	date     time.Time
	goInfo   string
	static   target
	staticB  int64
	staticE  string
	targets  []*target
	rssPeak  int64
	rssEnd   int64
	rssHWM   int64
	startups []time.Duration
	peer     peerResult
}

func (m *measurement) measure(ctx context.Context, bin string, serveArgs []string, work string,
	logf func(string, ...any)) error {
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.goInfo = strings.TrimSpace(string(out))
	}
	logPath := filepath.Join(work, "server.log")

	logf("timing %d starts to the first front page", m.opts.starts)
	startups, err := startupTimes(bin, serveArgs, logPath, m.opts.starts)
	if err != nil {
		return err
	}
	m.startups = startups

	srv, err := start(bin, serveArgs, logPath)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitFor("/healthz", time.Minute); err != nil {
		return err
	}
	article, err := firstMaterial(srv.base, "artikel")
	if err != nil {
		return err
	}
	film, err := firstMaterial(srv.base, "film")
	if err != nil {
		return err
	}
	m.targets = []*target{
		{Name: "front page", Path: "/", MinShare: 0.8},
		{Name: "listing", Path: "/materialer?maalgruppe=foraeldre", MinShare: 0.8},
		{Name: "article", Path: article, MinShare: 0.8},
		{Name: "film page", Path: film, MinShare: 0.8},
		{Name: "search", Path: "/materialer?q=…", Paths: searchPaths(200), MinShare: 0.25},
		{Name: "feed", Path: "/feed/rss", MinShare: 0.8},
	}
	logf("page weights")
	for _, t := range m.targets {
		p := t.Path
		if t.Paths != nil {
			p = t.Paths[0]
		}
		w, err := pageWeight(srv.base, p)
		if err != nil {
			return err
		}
		t.Weight = &w
	}

	// The reference: the article's bytes as a browser that accepts
	// brotli gets them, served by the same binary as a plain file.
	body, h, err := fetch(srv.base+article, "br")
	if err != nil {
		return err
	}
	file := filepath.Join(work, "article.body")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		return err
	}
	m.staticB, m.staticE = int64(len(body)), h.Get("Content-Encoding")
	ref, err := start(bin, []string{"serve-file", "--type", h.Get("Content-Type"), "--encoding", m.staticE, file},
		filepath.Join(work, "serve-file.log"))
	if err != nil {
		return err
	}
	defer ref.stop()
	if err := ref.waitFor("/", 10*time.Second); err != nil {
		return err
	}
	m.static = target{Name: "static file", Path: article}
	// Rounds alternate the reference and the pages, so that a machine
	// that is busier for a while moves all of them alike; each figure is
	// the median of its rounds.
	static := make([]result, 0, m.opts.rounds)
	pages := make([][]result, len(m.targets))
	for round := 1; round <= m.opts.rounds; round++ {
		logf("round %d of %d: the static file (%d bytes, encoding %q)", round, m.opts.rounds, m.staticB, m.staticE)
		r, _, err := runWrk(ctx, m.opts.load, ref.base+article, nil, work)
		if err != nil {
			return err
		}
		static = append(static, r)
		for i, t := range m.targets {
			logf("round %d of %d: %s (%s)", round, m.opts.rounds, t.Name, t.Path)
			raw, first := "", t.Path
			if t.Paths != nil {
				first = t.Paths[0] // wrk wants a real address; the script rotates
			}
			mem := sample(srv.cmd.Process.Pid, 100*time.Millisecond)
			r, raw, err := runWrk(ctx, m.opts.load, srv.base+first, t.Paths, work)
			peak, last, memErr := mem.finish()
			if err = errors.Join(err, memErr); err != nil {
				return err
			}
			pages[i] = append(pages[i], r)
			t.RSSPeak, m.rssPeak, m.rssEnd = max(t.RSSPeak, peak), max(m.rssPeak, peak), last
			name := fmt.Sprintf("%s.%d.wrk.txt", strings.ReplaceAll(t.Name, " ", "-"), round)
			if err := os.WriteFile(filepath.Join(work, name), []byte(raw), 0o644); err != nil {
				return err
			}
		}
	}
	ref.stop()
	m.static.Result = medianResult(static)
	for i, t := range m.targets {
		t.Result = medianResult(pages[i])
	}
	if m.rssHWM, err = memoryKB(srv.cmd.Process.Pid, "VmHWM"); err != nil {
		return err
	}
	m.peer = measurePeer(ctx, m.opts, work, logf)
	return ctx.Err()
}

var materialLink = regexp.MustCompile(`href="(/materialer/[a-z0-9-]+)"`)

// medianResult is the median of each figure of rs, and all their requests
// and errors.
func medianResult(rs []result) result {
	var out result
	rps := make([]float64, len(rs))
	p50 := make([]time.Duration, len(rs))
	p99 := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p50[i], p99[i] = r.RPS, r.P50, r.P99
		out.Requests += r.Requests
		out.Errors += r.Errors
	}
	slices.Sort(rps)
	slices.Sort(p50)
	slices.Sort(p99)
	n := len(rs) / 2
	if len(rs)%2 == 1 {
		out.RPS, out.P50, out.P99 = rps[n], p50[n], p99[n]
	} else if len(rs) > 0 {
		out.RPS, out.P50, out.P99 = (rps[n-1]+rps[n])/2, (p50[n-1]+p50[n])/2, (p99[n-1]+p99[n])/2
	}
	return out
}

// firstMaterial is the newest public material of a kind, by the listing.
func firstMaterial(base, kind string) (string, error) {
	page, _, err := fetch(base+"/materialer?type="+kind, "")
	if err != nil {
		return "", err
	}
	for _, match := range materialLink.FindAllStringSubmatch(string(page), -1) {
		return match[1], nil
	}
	return "", fmt.Errorf("the listing of %s shows no material", kind)
}

// searchPaths are n searches for one or two of the corpus's 3,000
// commonest words, as people search for common words.
func searchPaths(n int) []string {
	g := corpus.New(corpusSeed, corpusWords)
	rng := g.Rand()
	var out []string
	for range n {
		words := []string{g.Stem(rng.IntN(3000))}
		if rng.IntN(3) == 0 {
			words = append(words, g.Stem(rng.IntN(3000)))
		}
		out = append(out, "/materialer?q="+url.QueryEscape(strings.Join(words, " ")))
	}
	return slices.Clip(out)
}
