package pagecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// journey drives one browser tab with the keyboard only.
type journey struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	step  int
	name  string // the screenshots' prefix; "tastatur" when empty
}

func (j *journey) run(actions ...chromedp.Action) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		j.t.Fatalf("step %d: %v", j.step, err)
	}
}

func (j *journey) eval(expr string, out any) {
	j.t.Helper()
	j.run(chromedp.Evaluate(expr, out))
}

// tabTo presses Tab until the focused element matches sel, and checks
// that the focus can be seen.
func (j *journey) tabTo(sel string) {
	j.t.Helper()
	for i := 0; i < 120; i++ {
		j.run(chromedp.KeyEvent(kb.Tab))
		var ok bool
		j.eval(fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel), &ok)
		if ok {
			j.checkFocusVisible(sel)
			return
		}
	}
	var active string
	j.eval(`document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ""`, &active)
	j.t.Fatalf("step %d: Tab never reached %s (stopped at %s)", j.step, sel, active)
}

// checkFocusVisible fails when the focused element shows no outline or
// focus ring.
func (j *journey) checkFocusVisible(what string) {
	j.t.Helper()
	var visible bool
	j.eval(`(() => {
		const s = getComputedStyle(document.activeElement);
		const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
		return outline || (s.boxShadow && s.boxShadow !== "none");
	})()`, &visible)
	if !visible {
		j.t.Errorf("step %d: focus on %s cannot be seen", j.step, what)
	}
}

func (j *journey) press(key string) { j.t.Helper(); j.run(chromedp.KeyEvent(key)) }

// shoot writes the page at 320 and 1280 px as test artefacts.
func (j *journey) shoot(name string) {
	j.t.Helper()
	j.step++
	for _, w := range []int{320, 1280} {
		var buf []byte
		j.run(chromedp.EmulateViewport(int64(w), 900), chromedp.CaptureScreenshot(&buf))
		prefix := j.name
		if prefix == "" {
			prefix = "tastatur"
		}
		file := filepath.Join(j.shots, fmt.Sprintf("%s-%02d-%s-%d.png", prefix, j.step, name, w))
		if err := os.WriteFile(file, buf, 0o644); err != nil {
			j.t.Fatal(err)
		}
	}
	j.run(chromedp.EmulateViewport(1280, 900))
}

func (j *journey) waitPath(prefix string) {
	j.t.Helper()
	for i := 0; i < 100; i++ {
		var path string
		j.eval(`location.pathname + location.search`, &path)
		if strings.HasPrefix(path, prefix) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	j.t.Fatalf("step %d: never reached %s", j.step, prefix)
}

// TestKeyboardJourney goes through the hub with the keyboard alone: skip
// link, filters, a film with its captions button, a guide's download, and
// logging in to save a draft. Focus must be visible at every step.
func TestKeyboardJourney(t *testing.T) {
	e := newEnv(t)
	ctx := newBrowser(t)
	downloads := t.TempDir()
	j := &journey{t: t, ctx: ctx, base: e.srv.URL, shots: artifactDir(t)}
	j.run(chromedp.EmulateViewport(1280, 900),
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads),
		chromedp.Navigate(e.srv.URL+"/"))

	// The first Tab reaches the skip link; Enter moves to the content.
	j.tabTo("a.skip")
	j.shoot("springlink")
	j.press(kb.Enter)
	var hash string
	j.eval(`location.hash`, &hash)
	if hash != "#indhold" {
		t.Errorf("the skip link led to %q", hash)
	}

	// Find the film through the listing's filters.
	j.run(chromedp.Navigate(e.srv.URL + "/materialer"))
	j.tabTo(`input[name=type][value=film]`)
	j.press(" ")
	j.shoot("filter")
	j.tabTo(`form.filters button[type=submit]`)
	j.press(kb.Enter)
	j.waitPath("/materialer?type=film")
	j.tabTo(`.card-title a`)
	j.press(kb.Enter)
	j.waitPath("/materialer/fire-gode-vaner")

	// Play it from the keyboard and switch the captions with their button.
	j.tabTo(`video`)
	j.press(" ")
	var playing bool
	for i := 0; i < 40 && !playing; i++ {
		time.Sleep(50 * time.Millisecond)
		j.eval(`!document.querySelector("video").paused`, &playing)
	}
	if !playing {
		t.Error("Space on the focused film did not play it")
	}
	j.tabTo(`button.captions-toggle`)
	j.press(" ")
	var mode, pressed string
	j.eval(`document.querySelector("video").textTracks[0].mode`, &mode)
	j.eval(`document.querySelector("button.captions-toggle").getAttribute("aria-pressed")`, &pressed)
	if mode != "hidden" || pressed != "false" {
		t.Errorf("captions after one press: mode %q, aria-pressed %q", mode, pressed)
	}
	j.press(" ")
	j.eval(`document.querySelector("video").textTracks[0].mode`, &mode)
	j.eval(`document.querySelector("button.captions-toggle").getAttribute("aria-pressed")`, &pressed)
	if mode != "showing" || pressed != "true" {
		t.Errorf("captions turned on: mode %q, aria-pressed %q", mode, pressed)
	}
	j.shoot("film-undertekster")

	// Download a guide's checklist.
	j.run(chromedp.Navigate(e.srv.URL + "/materialer/tjekliste-saadan-forbereder-i-jer-til-skole-hjem-samtalen"))
	j.tabTo(`.attachments a[download]`)
	j.shoot("vejledning-download")
	j.press(kb.Enter)
	var got []os.DirEntry
	for i := 0; i < 100 && len(got) == 0; i++ {
		time.Sleep(50 * time.Millisecond)
		got, _ = os.ReadDir(downloads)
	}
	if len(got) == 0 {
		t.Error("Enter on the attachment downloaded nothing")
	}

	// Log in and save a draft.
	j.run(chromedp.Navigate(e.srv.URL + "/redaktion/login"))
	j.tabTo(`#email`)
	j.run(chromedp.KeyEvent("redaktor@example.dk"))
	j.tabTo(`#password`)
	j.run(chromedp.KeyEvent("en lang nok adgangskode"))
	j.shoot("login")
	j.press(kb.Enter)
	j.waitPath("/redaktion")
	j.tabTo(`a[href="/redaktion/materialer/ny"]`)
	j.press(kb.Enter)
	j.waitPath("/redaktion/materialer/ny")
	j.tabTo(`#title`)
	j.run(chromedp.KeyEvent("Kladde skrevet med tastaturet"))
	j.tabTo(`#summary`)
	j.run(chromedp.KeyEvent("Et kort resumé."))
	j.tabTo(`#aud-parents`)
	j.press(" ")
	j.tabTo(`button[value=save]`)
	j.shoot("kladde")
	j.press(kb.Enter)
	var flash string
	for i := 0; i < 100 && !strings.Contains(flash, "Gemt"); i++ {
		time.Sleep(50 * time.Millisecond)
		j.eval(`(document.querySelector(".flash") || {}).textContent || ""`, &flash)
	}
	if !strings.Contains(flash, "Gemt") {
		t.Errorf("saving the draft said %q", flash)
	}
	j.shoot("gemt")
}
