package pagecheck

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bindeled/bindeled/internal/material"
)

// shown is what the browser reports of a material's cover once it has
// loaded, and the page's layout shifts until then.
type shown struct {
	CurrentSrc string  `json:"currentSrc"`
	Width      string  `json:"width"`
	Height     string  `json:"height"`
	Natural    int     `json:"natural"`
	Shift      float64 `json:"shift"`
	Shifts     int     `json:"shifts"`
}

// coverCheck waits for the cover to load and sums the layout-shift
// entries the page has recorded (buffered from its start).
const coverCheck = `new Promise(resolve => {
  const img = document.querySelector('.cover img');
  let shift = 0, shifts = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) { shift += e.value; shifts++; } }
  }).observe({type: 'layout-shift', buffered: true});
  const report = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
    currentSrc: img.currentSrc, width: img.getAttribute('width'), height: img.getAttribute('height'),
    natural: img.naturalWidth, shift, shifts})));
  if (img.complete) report(); else img.addEventListener('load', report);
})`

// TestCoverLoadsWebPWithoutShifting opens a material with a cover in
// Chromium, on a phone's width, with its renditions made: the
// browser picks a WebP rendition, and nothing on the page moves while
// the picture loads, because its size is known beforehand.
func TestCoverLoadsWebPWithoutShifting(t *testing.T) {
	e := newEnv(t) // it has made the renditions
	ctx := context.Background()

	ms, err := e.hub.Store.MaterialsInStatus(ctx, material.Published)
	if err != nil {
		t.Fatal(err)
	}
	slug := ""
	for _, m := range ms {
		if m.CoverID != 0 {
			slug = m.Slug
			break
		}
	}
	if slug == "" {
		t.Fatal("no published starter material with a cover")
	}

	bctx := newBrowser(t)
	var got shown
	run := func(actions ...chromedp.Action) {
		t.Helper()
		c, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(c, actions...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/materialer/"+slug),
		chromedp.Evaluate(coverCheck, &got, awaitPromise))
	if !strings.HasSuffix(got.CurrentSrc, ".webp") || !strings.Contains(got.CurrentSrc, "w400.") {
		t.Errorf("the browser loaded %q, want the 400 px WebP rendition", got.CurrentSrc)
	}
	if got.Width == "" || got.Height == "" || got.Natural == 0 {
		t.Errorf("cover without its size: %+v", got)
	}
	if got.Shift != 0 {
		t.Errorf("the page shifted %d times (score %.4f) while it loaded", got.Shifts, got.Shift)
	}
}
