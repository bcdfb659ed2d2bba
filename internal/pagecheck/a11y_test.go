package pagecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The widths every page is checked at: a desktop and the narrowest phone
// WCAG's reflow criterion names.
var widths = []int{1280, 320}

// axeTags selects the WCAG 2.1 A and AA rules. No rule is switched off;
// docs/limitations.md would list any that were, with the reason.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// TestPagesAccessible runs axe-core on every page type at both widths, and
// checks that nothing scrolls sideways on a phone. Screenshots of each page
// at both widths are written to the artefact folder.
func TestPagesAccessible(t *testing.T) {
	e := newEnv(t)
	pages := allPages(t, e)
	axe, err := os.ReadFile(toolPath(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	shots := artifactDir(t)
	if err := chromedp.Run(ctx, setSession(e)); err != nil {
		t.Fatal(err)
	}

	checked := 0
	for _, p := range pages {
		for _, w := range widths {
			var violations string
			var overflow bool
			var shot []byte
			tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			err := chromedp.Run(tctx,
				chromedp.EmulateViewport(int64(w), 900),
				chromedp.Navigate(e.srv.URL+p.URL),
				chromedp.WaitReady("body"),
				chromedp.Evaluate(string(axe), nil),
				chromedp.Evaluate(axeRun, &violations, awaitPromise),
				chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow),
				chromedp.FullScreenshot(&shot, 70),
			)
			cancel()
			if err != nil {
				t.Errorf("%s at %d px: %v", p.URL, w, err)
				continue
			}
			checked++
			reportAxe(t, p.URL, w, violations)
			if overflow && w == 320 {
				t.Errorf("%s scrolls sideways at 320 px", p.URL)
			}
			if err := os.WriteFile(filepath.Join(shots, screenshotName(p.URL, w)), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("axe checked %d page views; screenshots in %s", checked, shots)
}

func reportAxe(t *testing.T, url string, width int, raw string) {
	t.Helper()
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Errorf("%s at %d px: axe result %q: %v", url, width, raw, err)
		return
	}
	for _, v := range vs {
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-3))
				break
			}
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		t.Errorf("%s at %d px: axe %s (%s): %s\n    %s", url, width, v.ID, v.Impact, v.Help,
			strings.Join(where, "\n    "))
	}
}

// setSession gives the browser the editor's session cookie.
func setSession(e *env) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return network.SetCookie(e.session.Name, e.session.Value).
			WithDomain("127.0.0.1").WithPath("/").WithHTTPOnly(true).Do(ctx)
	})
}

type vnuMessage struct {
	Type     string `json:"type"`
	SubType  string `json:"subType"`
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// TestPagesValidHTML runs the W3C Nu HTML checker on the HTML of every page
// type, as the server sent it.
func TestPagesValidHTML(t *testing.T) {
	e := newEnv(t)
	pages := allPages(t, e)
	jar := toolPath(t, "vnu-jar/build/dist/vnu.jar")
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("java is not installed: run scripts/setup")
	}

	dir := t.TempDir()
	names := map[string]string{}
	for i, p := range pages {
		name := fmt.Sprintf("page-%03d.html", i)
		names[name] = p.URL
		if err := os.WriteFile(filepath.Join(dir, name), p.HTML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(java, "-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always",
		dir).CombinedOutput()
	if err != nil {
		t.Fatalf("vnu: %v\n%s", err, out)
	}
	var res struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out)
	}
	for _, m := range res.Messages {
		if m.Type != "error" && m.SubType != "fatal" {
			continue
		}
		t.Errorf("%s line %d: %s\n    %s", names[filepath.Base(m.URL)], m.LastLine, m.Message, m.Extract)
	}
	t.Logf("vnu checked %d pages", len(pages))
}
