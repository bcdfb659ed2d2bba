package pagecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// hostSite serves one page of "another site" on its own loopback origin:
// the body given, and a script that records every message the page
// receives with the index of the frame that sent it.
func hostSite(t *testing.T, body string) *httptest.Server {
	t.Helper()
	page := `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Skolens side</title>
<script>
window.got = [];
addEventListener("message", function (e) {
  var frames = document.querySelectorAll("iframe"), from = -1;
  for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === e.source) from = i;
  got.push({from: from, data: e.data});
});
</script></head><body><h1>Skolens side</h1>` + body + `</body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// widgetSnippet returns the code the widget builder hands out for query.
func widgetSnippet(t *testing.T, e *env, query string) string {
	t.Helper()
	doc, res := fetch(t, e.editor, e.srv.URL+"/redaktion/deling/indlejring?"+query)
	code := doc.Find("#widget-code").Text()
	if res.StatusCode != http.StatusOK || code == "" {
		t.Fatalf("builder %s: %d, no code", query, res.StatusCode)
	}
	return code
}

type message struct {
	From int            `json:"from"`
	Data map[string]any `json:"data"`
}

// messages reads what the host page has received.
func messages(ctx context.Context, t *testing.T) []message {
	t.Helper()
	var raw string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify(window.got)`, &raw)); err != nil {
		t.Fatal(err)
	}
	var ms []message
	if err := json.Unmarshal([]byte(raw), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestWidgetFitsOnAnotherSite pastes two widgets, of one and of twelve
// materials, as the builder hands them out, into a page of another
// origin, and checks in Chromium that each frame gets the height its own
// widget reports, and that the hub sets no cookie.
func TestWidgetFitsOnAnotherSite(t *testing.T) {
	e := newEnv(t)
	host := hostSite(t, widgetSnippet(t, e, "antal=1&farve=%23005a9c")+"\n"+widgetSnippet(t, e, "antal=12"))
	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var heights []string
	err := chromedp.Run(tctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(host.URL),
		chromedp.Poll(`(function () {
			var f = document.querySelectorAll("iframe[data-bindeled-liste]");
			var ready = f.length == 2 && f[0].style.height && f[1].style.height;
			return ready ? [f[0].style.height, f[1].style.height] : null;
		})()`, &heights, chromedp.WithPollingTimeout(20*time.Second)),
	)
	if err != nil {
		t.Fatalf("the widgets were not fitted: %v", err)
	}
	// Let late reports arrive, then compare with the last of each frame.
	time.Sleep(500 * time.Millisecond)
	if err := chromedp.Run(tctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("iframe")).map(
		function (f) { return f.style.height })`, &heights)); err != nil {
		t.Fatal(err)
	}
	last := map[int]float64{}
	for _, m := range messages(tctx, t) {
		if m.Data["type"] == "bindeled:height" {
			h, _ := m.Data["height"].(float64)
			last[m.From] = h
		}
	}
	for i, h := range heights {
		if want := fmt.Sprintf("%gpx", last[i]); h != want {
			t.Errorf("frame %d is %s high, its widget reported %s", i, h, want)
		}
	}
	if !(last[0] > 100 && last[1] > last[0]+300) {
		t.Errorf("heights %v: one material should be short, twelve much taller", last)
	}

	var cookies []*network.Cookie
	if err := chromedp.Run(tctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{e.srv.URL}).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if len(cookies) != 0 {
		t.Errorf("the hub set cookies: %v", cookies)
	}
}

// oembedHTML asks the hub's oEmbed endpoint for a starter material's card.
func oembedHTML(t *testing.T, e *env, slug string) string {
	t.Helper()
	res, err := e.reader.Get(e.srv.URL + "/oembed?url=" + url.QueryEscape(e.srv.URL+"/materialer/"+slug))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		HTML string `json:"html"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("oembed: %d %v", res.StatusCode, err)
	}
	return answer.HTML
}

// clickFrame clicks the middle of the first iframe, as a reader would
// click the card.
func clickFrame(ctx context.Context) error {
	var box []float64
	return chromedp.Run(ctx,
		chromedp.Evaluate(`(function () { var r = document.querySelector("iframe").getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2] })()`, &box),
		chromedp.ActionFunc(func(ctx context.Context) error {
			return chromedp.MouseClickXY(box[0], box[1]).Do(ctx)
		}))
}

const starterSlug = "skaerm-og-sociale-medier-lav-aftaler-sammen"

// TestCardInWordPress frames a card the way WordPress frames a provider it
// does not know (documented in its wp_filter_oembed_result: only scripts
// allowed, and a secret in the address), and checks that the card reports
// its height and hands its link to the page with that secret.
func TestCardInWordPress(t *testing.T) {
	e := newEnv(t)
	card := oembedHTML(t, e, starterSlug)
	const secret = "Xq7bP2kLm9"
	wp := strings.Replace(card, `sandbox="`+html.EscapeString(embedSandboxOf(t, card))+`"`,
		`class="wp-embedded-content" sandbox="allow-scripts" security="restricted" data-secret="`+secret+`"`, 1)
	wp = strings.Replace(wp, `" width=`, `#?secret=`+secret+`" width=`, 1)
	host := hostSite(t, wp+`<script>
document.querySelector("iframe").addEventListener("load", function () {
  this.contentWindow.postMessage({message: "ready", secret: "`+secret+`"}, "*");
});
</script>`)
	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var ok bool
	err := chromedp.Run(tctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(host.URL),
		chromedp.Poll(`got.some(function (m) { return m.data.message === "height" && m.data.secret === "`+secret+`" })`,
			&ok, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("no height message with the secret: %v", err)
	}
	// A click that reaches the frame in the moment Chromium starts routing
	// input to it can be lost (one run in a few, with the frame loaded and
	// sized); a reader would click again, and so does the test, thrice.
	for try := 1; ; try++ {
		if err := clickFrame(tctx); err != nil {
			t.Fatal(err)
		}
		err = chromedp.Run(tctx, chromedp.Poll(`got.some(function (m) { return m.data.message === "link" })`, &ok,
			chromedp.WithPollingTimeout(3*time.Second)))
		if err == nil {
			break
		}
		if try == 3 {
			t.Fatalf("no link message after %d clicks: %v", try, err)
		}
	}
	for _, m := range messages(tctx, t) {
		if m.Data["message"] == "link" {
			want := e.srv.URL + "/materialer/" + starterSlug + "?k=kort"
			if m.Data["value"] != want || m.Data["secret"] != secret || m.From != 0 {
				t.Errorf("link message %+v, want %s", m, want)
			}
		}
	}
}

// embedSandboxOf returns the sandbox attribute of an oEmbed html.
func embedSandboxOf(t *testing.T, frame string) string {
	t.Helper()
	_, rest, ok := strings.Cut(frame, `sandbox="`)
	value, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 {
		t.Fatalf("no sandbox in %s", frame)
	}
	return value
}

// TestCardOpensTheMaterial pastes the oEmbed html as it is into another
// site: a click on the card opens the material in the page, tagged, and
// the visit is counted for the card.
func TestCardOpensTheMaterial(t *testing.T) {
	e := newEnv(t)
	host := hostSite(t, oembedHTML(t, e, starterSlug))
	ctx := newBrowser(t)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var ok bool
	err := chromedp.Run(tctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(host.URL),
		chromedp.Poll(`got.some(function (m) { return m.data.type === "bindeled:height" })`, &ok,
			chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("the card did not load: %v", err)
	}
	if err := clickFrame(tctx); err != nil {
		t.Fatal(err)
	}
	// The page navigates away: ask where it is until it has arrived.
	var location string
	want := e.srv.URL + "/materialer/" + starterSlug + "?k=kort"
	for deadline := time.Now().Add(10 * time.Second); location != want && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		_ = chromedp.Run(tctx, chromedp.Location(&location)) // fails while the page changes
	}
	if location != want {
		t.Fatalf("the page did not open the material: at %s", location)
	}
	m, err := e.hub.Store.GetMaterialBySlug(context.Background(), starterSlug)
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Web.FlushCounts(context.Background())
	visits, err := e.hub.Store.MaterialVisits(context.Background(), m.ID, "2000-01-01", "2999-12-31")
	if err != nil {
		t.Fatal(err)
	}
	counted := false
	for _, v := range visits {
		counted = counted || v.Channel == "kort" && v.Visits == 1
	}
	if !counted {
		t.Errorf("the visit through the card was not counted: %+v", visits)
	}
}
