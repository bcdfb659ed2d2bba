package pagecheck

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// cspWatch records every Content-Security-Policy violation of a page from
// before its first byte is parsed. DevTools adds the listener, so the
// policy does not stop it.
const cspWatch = `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`

// TestJSONLDPassesTheCSP loads the public pages that carry JSON-LD in
// Chromium under the hub's real Content-Security-Policy: the browser must
// report no violation and must read the JSON-LD block as data. A script
// added to the page as a control must be refused, which shows the watch
// sees what the policy blocks.
func TestJSONLDPassesTheCSP(t *testing.T) {
	e := newEnv(t)
	all, _, err := e.hub.Store.SearchMaterials(context.Background(), "", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	// One published material of each kind, with the schema.org type its
	// page describes it as.
	types := map[material.Kind]string{material.Article: "Article", material.Guide: "Article",
		material.Film: "VideoObject", material.Link: "WebPage"}
	type check struct{ path, typ string }
	var checks []check
	for _, m := range all {
		if typ, ok := types[m.Kind]; ok && m.Status == material.Published {
			checks = append(checks, check{"/materialer/" + m.Slug, typ})
			delete(types, m.Kind)
		}
	}
	if len(types) > 0 {
		t.Fatalf("no published starter material of the kinds %v", types)
	}
	ctx := newBrowser(t)
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(cspWatch).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}

	for _, tt := range checks {
		if res, err := e.reader.Get(e.srv.URL + tt.path); err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		} else if res.Body.Close(); res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", tt.path, res.StatusCode)
		}
		var violations []string
		var ld string
		var ran bool
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Run(tctx,
			chromedp.Navigate(e.srv.URL+tt.path),
			chromedp.WaitReady("body"),
			chromedp.Evaluate(`window.__csp.slice()`, &violations),
			chromedp.Evaluate(`document.querySelector('script[type="application/ld+json"]').textContent`, &ld),
		)
		if err == nil {
			err = chromedp.Run(tctx,
				chromedp.Evaluate(`(() => { const s = document.createElement("script");
					s.textContent = "window.__ran = true"; document.head.append(s); return !!window.__ran })()`, &ran),
				chromedp.Sleep(100*time.Millisecond),
			)
		}
		var after []string
		if err == nil {
			err = chromedp.Run(tctx, chromedp.Evaluate(`window.__csp.slice()`, &after))
		}
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if len(violations) > 0 {
			t.Errorf("%s: the page broke its CSP: %v", tt.path, violations)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(ld), &data); err != nil || data["@type"] != tt.typ {
			t.Errorf("%s: the browser read the JSON-LD as %q (%v)", tt.path, ld, err)
		}
		if ran || len(after) == 0 || !strings.HasPrefix(after[0], "script-src") {
			t.Errorf("%s: the control script ran (%v) or was not reported (%v): the watch sees nothing", tt.path,
				ran, after)
		}
	}
}
