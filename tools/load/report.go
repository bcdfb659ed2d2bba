package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The targets of issue 9, as docs/performance.md lists them.
const (
	maxLatencyRatio = 1.5
	maxMemoryKB     = 100 * 1024
	maxStartup      = 300 * time.Millisecond
)

// maxWeight is the most a page type may weigh compressed, in bytes
// (1 KB = 1,000 bytes).
var maxWeight = map[string]int64{"article": 20000, "front page": 25000}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// check is one line of the verdict.
type check struct {
	what string
	ok   bool
}

// pageChecks says whether a page met each of its targets against the
// static file.
func (m *measurement) pageChecks(t *target) (share, p50, p99 float64, ok bool, why []string) {
	s := m.static.Result
	share = ratio(t.Result.RPS, s.RPS)
	p50 = ratio(float64(t.Result.P50), float64(s.P50))
	p99 = ratio(float64(t.Result.P99), float64(s.P99))
	if share < t.MinShare {
		why = append(why, fmt.Sprintf("req/s < %.0f%%", t.MinShare*100))
	}
	if p50 > maxLatencyRatio {
		why = append(why, "p50 > 1.5×")
	}
	if p99 > maxLatencyRatio {
		why = append(why, "p99 > 1.5×")
	}
	if t.Result.Errors > 0 {
		why = append(why, "errors")
	}
	return share, p50, p99, len(why) == 0, why
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (m *measurement) report() string {
	var b strings.Builder
	var checks []check
	o := m.opts
	fmt.Fprintf(&b, "## Public pages under load\n\n")
	fmt.Fprintf(&b, "Measured %s with `scripts/load` on %d cores (%s), %s; %s published materials on %s.  \n",
		m.date.Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpuModel(), m.goInfo, thousands(int64(o.materials)),
		m.backend)
	fmt.Fprintf(&b, "Load: `%s`, one page after the other on 127.0.0.1, the static file before the pages "+
		"in each of %d rounds; each figure is the median of its rounds.", o.load, o.rounds)
	if o.logReads {
		b.WriteString(" The hub logs every request (`--log-reads`).")
	}
	b.WriteString("\n\n")

	b.WriteString("| page | address | req/s | share of static | p50 | p50 / static | p99 | p99 / static " +
		"| errors | peak RSS | target | result |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n")
	s := m.static.Result
	enc := m.staticE
	if enc == "" {
		enc = "not compressed"
	}
	fmt.Fprintf(&b, "| static file (the article's %s bytes, %s) | %s | %s | 100%% | %s | 1.00× | %s | 1.00× | %d "+
		"| | reference | %s |\n", thousands(m.staticB), enc, m.static.Path, rps(s.RPS), ms(s.P50), ms(s.P99), s.Errors,
		map[bool]string{true: "ok", false: "errors: the reference is not valid"}[s.Errors == 0])
	for _, t := range m.targets {
		share, p50, p99, ok, why := m.pageChecks(t)
		result := verdict(ok)
		if !ok {
			result += " (" + strings.Join(why, ", ") + ")"
		}
		checks = append(checks, check{t.Name, ok})
		fmt.Fprintf(&b, "| %s | %s | %s | %.1f%% | %s | %.2f× | %s | %.2f× | %d | %s | ≥ %.0f%%, ≤ 1.5×, 0 "+
			"| %s |\n", t.Name, t.Path, rps(t.Result.RPS), share*100, ms(t.Result.P50), p50, ms(t.Result.P99), p99,
			t.Result.Errors, mb(t.RSSPeak), t.MinShare*100, result)
	}

	b.WriteString("\n| figure | measured | target | result |\n|---|---|---|---|\n")
	memOK := m.rssPeak < maxMemoryKB
	checks = append(checks, check{"memory", memOK})
	fmt.Fprintf(&b, "| resident memory of the hub under load (VmRSS every 0.1 s) | peak %s, %s at the end "+
		"(VmHWM since start %s) | < 100 MB | %s |\n", mb(m.rssPeak), mb(m.rssEnd), mb(m.rssHWM), verdict(memOK))
	med := median(m.startups)
	startOK := med < maxStartup
	checks = append(checks, check{"startup", startOK})
	each := make([]string, len(m.startups))
	for i, d := range m.startups {
		each[i] = strconv.FormatInt(d.Milliseconds(), 10)
	}
	fmt.Fprintf(&b, "| start of the process to the first 200 of the front page, median of %d | %d ms "+
		"(each: %s ms) | < 300 ms | %s |\n", len(m.startups), med.Milliseconds(), strings.Join(each, ", "),
		verdict(startOK))

	b.WriteString("\nBytes a browser sending `Accept-Encoding: gzip, br` downloads per page (bodies as sent; " +
		"images and films left out; 1 KB = 1,000 bytes):\n\n")
	b.WriteString("| page | HTML (encoding) | CSS | JS | fonts | total | target | result |\n" +
		"|---|--:|--:|--:|--:|--:|---|---|\n")
	for _, t := range m.targets {
		w := t.Weight
		if w == nil {
			continue
		}
		target, result := "", ""
		if limit, ok := maxWeight[t.Name]; ok {
			ok := w.Total() < limit && len(w.External) == 0
			checks = append(checks, check{t.Name + " weight", ok})
			target, result = fmt.Sprintf("< %d KB", limit/1000), verdict(ok)
		}
		e := w.Encoding
		if e == "" {
			e = "none"
		}
		fmt.Fprintf(&b, "| %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n", t.Name, thousands(w.HTML), e,
			thousands(w.CSS), thousands(w.JS), thousands(w.Fonts), thousands(w.Total()), target, result)
		if len(w.External) > 0 {
			fmt.Fprintf(&b, "| ↳ loads from other hosts (not counted, a failure) | %s | | | | | | |\n",
				strings.Join(w.External, " "))
		}
	}

	b.WriteString("\n")
	m.peerReport(&b)

	passed := 0
	var failed []string
	for _, c := range checks {
		if c.ok {
			passed++
		} else {
			failed = append(failed, c.what)
		}
	}
	fmt.Fprintf(&b, "\n**%d of %d targets met.**", passed, len(checks))
	if len(failed) > 0 {
		fmt.Fprintf(&b, " Not met: %s.", strings.Join(failed, ", "))
	}
	b.WriteString("\n")
	return b.String()
}

func (m *measurement) peerReport(b *strings.Builder) {
	p := m.peer
	if p.State != "measured" {
		fmt.Fprintf(b, "Peer: %s\n", p.howTo())
		return
	}
	if p.Err != nil {
		fmt.Fprintf(b, "Peer: WordPress on %s answered, but loading it failed: %v\n", peerBase, p.Err)
		return
	}
	var article, front *target
	for _, t := range m.targets {
		switch t.Name {
		case "article":
			article = t
		case "front page":
			front = t
		}
	}
	b.WriteString("Peer, a default WordPress on this machine (../shared/bench/peers), loaded the same way:\n\n" +
		"| page | req/s | p50 | p99 | errors | the hub's page | the hub's req/s ÷ the peer's |\n" +
		"|---|--:|--:|--:|--:|---|--:|\n")
	for _, row := range []struct {
		peer *target
		hub  *target
	}{{&p.Post, article}, {&p.Home, front}} {
		r := row.peer.Result
		fmt.Fprintf(b, "| %s (%s) | %s | %s | %s | %d | %s | %s |\n", row.peer.Name, row.peer.Path, rps(r.RPS),
			ms(r.P50), ms(r.P99), r.Errors, row.hub.Name, times(ratio(row.hub.Result.RPS, r.RPS)))
	}
}

// times writes a ratio with one decimal below 10 and none above.
func times(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f×", v)
	}
	return thousands(int64(v+0.5)) + "×"
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func rps(v float64) string { return thousands(int64(v + 0.5)) }

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

func mb(kb int64) string { return fmt.Sprintf("%.0f MB", float64(kb)/1024) }

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
