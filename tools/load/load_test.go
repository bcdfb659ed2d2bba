package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// TestParseWrk reads real wrk --latency output captured on this machine:
// a front page under load, and a run with 404s and timeouts.
func TestParseWrk(t *testing.T) {
	for _, tc := range []struct {
		file     string
		want     result
		wantRPS  float64
		requests int64
	}{
		{"wrk-front-page.txt", result{Requests: 202, P50: 1270 * time.Millisecond, P99: 4540 * time.Millisecond}, 19.11,
			202},
		{"wrk-errors.txt", result{Requests: 128, P50: 85280 * time.Microsecond, P99: 977970 * time.Microsecond,
			Errors: 28 + 76}, 41.41, 128},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseWrk(string(data))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		tc.want.RPS = tc.wantRPS
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.file, got, tc.want)
		}
	}
}

// TestParseWrkWithoutLatency: output without the latency distribution is
// an error, not a row of zeros.
func TestParseWrkWithoutLatency(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "wrk-front-page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "%  ") && !strings.Contains(line, "% ") {
			kept = append(kept, line)
		}
	}
	if _, err := parseWrk(strings.Join(kept, "\n")); err == nil {
		t.Error("output without percentiles parsed")
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused"); err == nil {
		t.Error("a failed run parsed")
	}
}

func TestParseLatency(t *testing.T) {
	for in, want := range map[string]time.Duration{"812.00us": 812 * time.Microsecond,
		"1.50ms": 1500 * time.Microsecond, "2.01s": 2010 * time.Millisecond, "1.00m": time.Minute} {
		if got, err := parseLatency(in); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ms", "-nan", "12", "1.2xs"} {
		if _, err := parseLatency(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

// TestOnlyLoopback: nothing is loaded, fetched or seeded anywhere but on
// this machine's loopback.
func TestOnlyLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/", "http://[::1]:9/x"} {
		if err := checkLoopback(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://example.dk/", "http://169.254.169.254/", "http://10.0.0.1/",
		"https://127.0.0.1/", "http://127.0.0.1.example.dk/", "http://localhost/"} {
		if err := checkLoopback(u); err == nil {
			t.Errorf("%s allowed", u)
		}
		if _, _, err := runWrk(context.Background(), loadSettings{Threads: 1, Connections: 1,
			Duration: time.Second, Timeout: time.Second}, u, nil, t.TempDir()); err == nil {
			t.Errorf("wrk against %s", u)
		}
	}
	for _, d := range []string{"postgres://postgres@db.example.dk:5432/postgres", "mysql://127.0.0.1/x",
		"postgres://postgres@192.168.1.2/postgres"} {
		if err := checkDatabase(d); err == nil {
			t.Errorf("%s allowed", d)
		}
	}
	if err := checkDatabase("postgres://postgres@127.0.0.1:5432/postgres"); err != nil {
		t.Error(err)
	}
}

// TestRotateScript: every path is in the script once, quoted for Lua.
func TestRotateScript(t *testing.T) {
	paths := searchPaths(50)
	if len(paths) != 50 || paths[0] == paths[1] {
		t.Fatalf("search paths: %q", paths[:2])
	}
	script := rotateScript(append(paths, `/materialer?q="quoted"`))
	for _, p := range paths {
		if strings.Count(script, `"`+p+`"`) != 1 {
			t.Errorf("%s not once in the script", p)
		}
	}
	if !strings.Contains(script, `"/materialer?q=\"quoted\""`) || !strings.Contains(script, "function request()") {
		t.Errorf("script:\n%s", script)
	}
}

// TestFlags: the defaults are the documented ones, --smoke shrinks them
// unless a flag says otherwise, and durations are whole seconds.
func TestFlags(t *testing.T) {
	var errOut bytes.Buffer
	o, err := parseFlags(nil, &errOut)
	if err != nil || o.materials != 10000 || o.load.Duration != 10*time.Second || o.load.Warmup != 2*time.Second ||
		o.load.Connections != 32 || o.load.Threads != 2 || o.starts != 5 {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	o, err = parseFlags([]string{"--smoke", "--duration", "2s"}, &errOut)
	if err != nil || o.materials != 100 || o.load.Duration != 2*time.Second || o.load.Warmup != 0 || o.starts != 1 {
		t.Errorf("smoke: %+v, %v", o, err)
	}
	for _, args := range [][]string{{"--duration", "1500ms"}, {"--threads", "64"}, {"--materials", "5"},
		{"--database", "postgres://postgres@db.example.dk/postgres"}, {"extra"}} {
		if _, err := parseFlags(args, &errOut); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// TestPageWeight: a page's weight is its bodies as sent compressed, with
// the stylesheets it links and imports, their fonts, its scripts and
// preloaded fonts, each counted once; images are left out, and another
// host's file is listed and never fetched.
func TestPageWeight(t *testing.T) {
	files := map[string]string{
		"/side": `<!doctype html><link rel="stylesheet" href="/a.css"><link rel="icon" href="/i.svg">` +
			`<link rel="preload" as="font" href="/f.woff2" crossorigin><script src="js/s.js" defer></script>` +
			`<script src="/js/s.js"></script><img src="/billede.jpg" alt=""><p>` + strings.Repeat("hej ", 500),
		"/a.css":        `@import url("/b.css"); body { background: url(/billede.jpg) }`,
		"/b.css":        `@font-face { src: url('f.woff2') format('woff2'), url(/g.woff) }`,
		"/f.woff2":      strings.Repeat("F", 300),
		"/g.woff":       strings.Repeat("G", 200),
		"/js/s.js":      strings.Repeat("J", 100),
		"/i.svg":        "<svg/>",
		"/billede.jpg":  strings.Repeat("I", 5000),
		"/ekstern.html": `<script src="https://cdn.example.dk/x.js"></script>`,
	}
	sent := map[string]int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, ".css"):
			w.Header().Set("Content-Type", "text/css")
		case r.URL.Path == "/side" || strings.HasSuffix(r.URL.Path, ".html"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && !strings.HasSuffix(r.URL.Path, "woff2") {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write([]byte(body))
			zw.Close()
			w.Header().Set("Content-Encoding", "gzip")
			sent[r.URL.Path] = int64(b.Len())
			w.Write(b.Bytes())
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()

	w, err := pageWeight(srv.URL, "/side")
	if err != nil {
		t.Fatal(err)
	}
	want := weight{HTML: sent["/side"], CSS: sent["/a.css"] + sent["/b.css"], JS: sent["/js/s.js"],
		Fonts: 300 + sent["/g.woff"], Encoding: "gzip"}
	if w.HTML != want.HTML || w.CSS != want.CSS || w.JS != want.JS || w.Fonts != want.Fonts ||
		w.Encoding != "gzip" || len(w.External) != 0 {
		t.Errorf("got %+v, want %+v", w, want)
	}
	if w.HTML >= int64(len(files["/side"])) {
		t.Errorf("HTML %d bytes: not the compressed size", w.HTML)
	}
	w, err = pageWeight(srv.URL, "/ekstern.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.External) != 1 || w.JS != 0 {
		t.Errorf("another host's script: %+v", w)
	}
}

// TestReport: each page is judged against the static file of the same
// run, and memory, start and weight against their limits.
func TestReport(t *testing.T) {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	m := &measurement{opts: options{materials: 10000, load: loadSettings{Threads: 2, Connections: 32,
		Duration: 10 * time.Second, Warmup: 2 * time.Second, Timeout: 10 * time.Second}}, backend: "SQLite",
		date: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), staticB: 4000, staticE: "br",
		static:  target{Name: "static file", Path: "/materialer/a", Result: result{RPS: 20000, P50: ms(1), P99: ms(10)}},
		rssPeak: 90 * 1024, rssEnd: 80 * 1024, rssHWM: 95 * 1024,
		startups: []time.Duration{ms(400), ms(250), ms(260), ms(240), ms(900)},
		peer:     peerResult{State: "missing", Dir: "../shared/bench/peers"}}
	m.targets = []*target{
		{Name: "front page", Path: "/", MinShare: 0.8, Result: result{RPS: 16000, P50: ms(1.5), P99: ms(15)},
			Weight: &weight{HTML: 5000, CSS: 4000, JS: 1000, Encoding: "br"}},
		{Name: "article", Path: "/materialer/a", MinShare: 0.8, Result: result{RPS: 15999, P50: ms(1), P99: ms(10)},
			Weight: &weight{HTML: 16000, CSS: 4000, Encoding: "br"}},
		{Name: "search", Path: "/materialer?q=…", MinShare: 0.25,
			Result: result{RPS: 5000, P50: ms(1.2), P99: ms(15.1), Errors: 1}},
	}
	out := m.report()
	for _, want := range []string{
		"| front page | / | 16,000 | 80.0% | 1.50 ms | 1.50× | 15.0 ms | 1.50× | 0 |",
		"| search | /materialer?q=… | 5,000 | 25.0% | 1.20 ms | 1.20× | 15.1 ms | 1.51× | 1 |",
		"| PASS |\n| article |",
		"FAIL (req/s < 80%) |",
		"FAIL (p99 > 1.5×, errors) |",
		"| peak 90 MB, 80 MB at the end (VmHWM since start 95 MB) | < 100 MB | PASS |",
		"| 260 ms (each: 400, 250, 260, 240, 900 ms) | < 300 ms | PASS |",
		"| front page | 5,000 (br) | 4,000 | 1,000 | 0 | 10,000 | < 25 KB | PASS |",
		"| article | 16,000 (br) | 4,000 | 0 | 0 | 20,000 | < 20 KB | FAIL |",
		"is not installed on this machine",
		"**4 of 7 targets met.** Not met: article, search, article weight.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "--log-reads") {
		t.Error("the report says the hub logged every request, which it did not")
	}
	m.opts.logReads = true
	if out := m.report(); !strings.Contains(out, "The hub logs every request (`--log-reads`).") {
		t.Errorf("a run with --log-reads does not say so:\n%s", out)
	}
}

// TestPeerReport: the peer's figures stand beside the hub's page of the
// same kind, as a ratio of requests per second.
func TestPeerReport(t *testing.T) {
	m := &measurement{targets: []*target{
		{Name: "front page", Result: result{RPS: 18}},
		{Name: "article", Result: result{RPS: 20000}},
	}, peer: peerResult{State: "measured",
		Post: target{Name: "WordPress post", Path: "/p/", Result: result{RPS: 40, P50: 800 * time.Millisecond}},
		Home: target{Name: "WordPress home", Path: "/", Result: result{RPS: 16}}}}
	var b strings.Builder
	m.peerReport(&b)
	for _, want := range []string{"| WordPress post (/p/) | 40 | 800 ms |", "| article | 500× |",
		"| front page | 1.1× |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("peer report lacks %q:\n%s", want, b.String())
		}
	}
	m.peer = peerResult{State: "stopped", Dir: "../shared/bench/peers"}
	b.Reset()
	m.peerReport(&b)
	if !strings.Contains(b.String(), "installed but not running") ||
		!strings.Contains(b.String(), "../shared/bench/peers/common.sh") {
		t.Errorf("stopped peer: %s", b.String())
	}
}

// TestSeed: the seeded hub has the starter collection and generated
// published materials of every kind up to the number asked for, with
// audiences, themes and the starter's files.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := seed(ctx, dir, "", 60); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(ctx, filepath.Join(dir, hub.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, total, err := st.SearchMaterials(ctx, "", 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 60 || len(all) != 60 {
		t.Fatalf("%d materials (%d listed), want 60", total, len(all))
	}
	kinds := map[material.Kind]int{}
	for _, e := range all {
		m, err := st.GetMaterial(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != material.Published || len(m.Audiences) == 0 || len(m.ThemeIDs) == 0 || m.Title == "" {
			t.Errorf("%q: %s, audiences %v, themes %v", m.Title, m.Status, m.Audiences, m.ThemeIDs)
		}
		if m.Kind == material.Film && (m.VideoID == 0 && m.ExternalURL == "" || m.Transcript == "") {
			t.Errorf("film %q without a film or transcript", m.Title)
		}
		kinds[m.Kind]++
	}
	for _, k := range material.Kinds {
		if kinds[k] < 3 {
			t.Errorf("%d of kind %s", kinds[k], k)
		}
	}
}

// TestCacheKey: a seeded hub is reused only for the same number of
// materials made with the same migrations and starter collection.
func TestCacheKey(t *testing.T) {
	t.Chdir("../..")
	a, err := cacheKey(100)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := cacheKey(100)
	c, _ := cacheKey(10000)
	if a != b || a == c {
		t.Errorf("keys %s %s %s", a, b, c)
	}
	t.Chdir(t.TempDir())
	if _, err := cacheKey(100); err == nil {
		t.Error("a key outside the repository")
	}
}
