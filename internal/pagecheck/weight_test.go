package pagecheck

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// errorWatch keeps every console error and uncaught error of a page from
// before its first byte is parsed.
const errorWatch = `window.__errors = [];
window.addEventListener("error", e => window.__errors.push("error: " + (e.message || e.target && e.target.src)), true);
window.addEventListener("unhandledrejection", e => window.__errors.push("rejection: " + e.reason));
const __consoleError = console.error;
console.error = (...a) => { window.__errors.push("console: " + a.join(" ")); __consoleError(...a); };`

// pageLoad is what a browser fetched for a page, from the Resource Timing
// entries, which same-origin responses fill in completely.
type pageLoad struct {
	Stylesheets int      `json:"stylesheets"`
	Scripts     []string `json:"scripts"`
	Resources   []struct {
		Name      string `json:"name"`
		Initiator string `json:"initiator"`
		Encoded   int    `json:"encoded"`
		Decoded   int    `json:"decoded"`
	} `json:"resources"`
	DocEncoded int      `json:"docEncoded"`
	DocDecoded int      `json:"docDecoded"`
	Fonts      int      `json:"fonts"`
	Errors     []string `json:"errors"`
}

const measureLoad = `(() => ({
	stylesheets: document.styleSheets.length,
	scripts: [...document.scripts].filter(s => s.src).map(s => s.src),
	resources: performance.getEntriesByType("resource").map(r => ({name: r.name, initiator: r.initiatorType,
		encoded: r.encodedBodySize, decoded: r.decodedBodySize})),
	docEncoded: performance.getEntriesByType("navigation")[0].encodedBodySize,
	docDecoded: performance.getEntriesByType("navigation")[0].decodedBodySize,
	fonts: document.fonts.size,
	errors: window.__errors.slice(),
}))()`

// TestArticlePageLoadsLittle opens an article with a picture in Chromium:
// it loads one stylesheet and one script (player.js), asks no other host,
// uses no web font, logs no error, and comes compressed.
func TestArticlePageLoadsLittle(t *testing.T) {
	e := newEnv(t)
	all, _, err := e.hub.Store.SearchMaterials(context.Background(), "", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := ""
	for _, m := range all {
		if m.Kind == material.Article && m.Status == material.Published && m.CoverID != 0 {
			path = "/materialer/" + m.Slug
			break
		}
	}
	if path == "" {
		t.Fatal("no published starter article with a picture")
	}
	if res, err := e.reader.Get(e.srv.URL + path); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	ctx := newBrowser(t)
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(errorWatch).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	var load pageLoad
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(tctx,
		chromedp.Navigate(e.srv.URL+path),
		chromedp.WaitReady("body"),
		chromedp.Poll(`document.readyState === "complete"`, nil),
		chromedp.Evaluate(measureLoad, &load),
	); err != nil {
		t.Fatal(err)
	}
	if load.Stylesheets != 1 {
		t.Errorf("%d stylesheets, want 1", load.Stylesheets)
	}
	if len(load.Scripts) != 1 || !strings.Contains(load.Scripts[0], "/static/player.") {
		t.Errorf("scripts %v, want only player.js", load.Scripts)
	}
	if load.Fonts != 0 {
		t.Errorf("%d web fonts, want the system's", load.Fonts)
	}
	if len(load.Errors) > 0 {
		t.Errorf("errors: %v", load.Errors)
	}
	css, img := 0, 0
	for _, r := range load.Resources {
		if !strings.HasPrefix(r.Name, e.srv.URL+"/") {
			t.Errorf("the page asks another host: %s", r.Name)
		}
		switch {
		case r.Initiator == "link" && strings.Contains(r.Name, ".css"):
			css++
			if r.Encoded >= r.Decoded {
				t.Errorf("stylesheet %s not compressed: %d of %d bytes", r.Name, r.Encoded, r.Decoded)
			}
		case r.Initiator == "img":
			img++
		}
	}
	if css != 1 || img == 0 {
		t.Errorf("%d stylesheets and %d images fetched: %+v", css, img, load.Resources)
	}
	if load.DocDecoded == 0 || load.DocEncoded*2 > load.DocDecoded {
		t.Errorf("the page came as %d bytes for %d: not compressed", load.DocEncoded, load.DocDecoded)
	}
	t.Logf("page %d bytes compressed (%d decoded); resources %+v", load.DocEncoded, load.DocDecoded,
		load.Resources)
}
