package pagecheck

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/xsstest"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"
)

// tripwire is added to every document and frame before its first byte is
// parsed. The dialogs the corpus calls report to a DevTools binding
// instead of opening, and so does every Content-Security-Policy
// violation. DevTools adds both, so the page's policy does not stop them.
const tripwire = `(() => {
  const trip = what => { try { __xssTrip(String(what).slice(0, 300)) } catch (e) {} };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = x => trip(name + "(" + x + ")");
  }
  document.addEventListener("securitypolicyviolation",
    e => trip("csp " + e.violatedDirective + " " + e.blockedURI + " " + e.sample), true);
})();`

// activeDOM lists, in the document as Chromium parsed it and in every
// same-origin frame, each event-handler attribute and each address whose
// scheme could run script or render a document of the attacker's.
const activeDOM = `(() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "poster", "data", "background"];
  const check = (doc, where) => {
    for (const el of doc.querySelectorAll("*")) {
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        if (name.startsWith("on")) found.push(where + el.localName + " " + name + "=" + a.value);
        if (name === "srcdoc") found.push(where + el.localName + " srcdoc");
        if (!urlAttrs.includes(name)) continue;
        let proto = "";
        try { proto = new URL(a.value, doc.baseURI).protocol } catch (e) { continue }
        if (proto === "javascript:" || proto === "vbscript:" || proto === "data:" && el.localName !== "img")
          found.push(where + el.localName + " " + name + "=" + proto + " " + a.value);
      }
    }
    for (const f of doc.querySelectorAll("iframe, frame")) {
      try { if (f.contentDocument) check(f.contentDocument, where + "frame ") } catch (e) {}
    }
  };
  check(document, "");
  return found;
})()`

// trips collects what the tripwire caught, from every frame of the tab.
type trips struct {
	mu  sync.Mutex
	got []string
}

func (tr *trips) add(s string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.got = append(tr.got, s)
}

// take returns what was caught since the last call and forgets it.
func (tr *trips) take() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	got := tr.got
	tr.got = nil
	return got
}

// armTripwire installs the tripwire in the tab of ctx and answers every
// dialog that still opens (one the page's own alert could not catch), so
// that none blocks the tab.
func armTripwire(t *testing.T, ctx context.Context) *trips {
	t.Helper()
	tr := &trips{}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventBindingCalled:
			if ev.Name == "__xssTrip" {
				tr.add(ev.Payload)
			}
		case *cdppage.EventJavascriptDialogOpening:
			tr.add(fmt.Sprintf("dialog %s(%s)", ev.Type, ev.Message))
			go func() {
				_ = chromedp.Run(ctx, cdppage.HandleJavaScriptDialog(false)) // the tab is closing when this fails
			}()
		}
	})
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		if err := cdpruntime.AddBinding("__xssTrip").Do(ctx); err != nil {
			return err
		}
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(tripwire).Do(ctx)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// hostile is what the corpus put in the hub: for each vector, the
// addresses where its fields show.
type hostile struct {
	vector string
	pages  []string // paths to open, the workspace ones with the editor's session
	inert  bool     // a Markdown link case: its material body must have no link
	slug   string
	theme  string // the slug of the vector's theme, which its feeds filter on
}

// privacyTextKey is the setting that holds the admin's privacy notice.
const privacyTextKey = "privacy_notice.text"

// seedCorpus puts every vector of the corpus into every field that
// reaches a page, a feed, a mail or an embed: a material of each kind in
// turn (title, summary, body, picture text, transcript, link address and
// publisher, film address), a theme (name, description), a school (name,
// short name, address), a contributor's name, a review comment, an
// inbox notification and a mail. The brand settings that every page and
// feed shows, and the privacy notice, carry vectors too.
func seedCorpus(t *testing.T, e *env) []hostile {
	t.Helper()
	ctx := context.Background()
	st := e.hub.Store
	admin, err := st.UserByEmail(ctx, "redaktor@example.dk")
	if err != nil {
		t.Fatal(err)
	}
	vectors := xsstest.Vectors()
	kinds := []material.Kind{material.Article, material.Link, material.Film, material.Guide}
	mailer := notify.New(st, e.srv.URL, true, storagetest.Logger())
	var out []hostile
	for i, v := range vectors {
		theme := &storage.Theme{Slug: fmt.Sprintf("xss-%d", i), Name: v, Description: v}
		if err := st.SaveTheme(ctx, theme); err != nil {
			t.Fatal(err)
		}
		school := &storage.School{Slug: fmt.Sprintf("xss-skole-%d", i), Name: v, ShortName: v, URL: v}
		if err := st.CreateSchool(ctx, school); err != nil {
			t.Fatal(err)
		}
		author := &storage.User{Email: fmt.Sprintf("xss%d@example.dk", i), Name: v, Role: storage.RoleContributor,
			Active: true}
		if err := st.CreateUser(ctx, author); err != nil {
			t.Fatal(err)
		}
		m := &material.Material{Kind: kinds[i%len(kinds)], Title: v, Summary: v,
			Body:      v + "\n\nTekst før " + v + " efter.\n\n- " + v,
			Audiences: []material.Audience{material.Parents}, ThemeIDs: []int64{theme.ID}, SchoolID: school.ID,
			Language: "da", Status: material.Published, CoverAlt: v, Transcript: v, LinkURL: v, LinkPublisher: v,
			ExternalURL: v, CreatedBy: author.ID}
		material.OwnWork(m)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		round := &storage.Round{MaterialID: m.ID, Deadline: time.Now().AddDate(0, 0, 7), Revision: 1,
			CreatedBy: admin.ID}
		if err := st.StartRound(ctx, round, []int64{admin.ID, author.ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.AddComment(ctx, &storage.Comment{MaterialID: m.ID, RoundID: round.ID, UserID: author.ID,
			Paragraph: 1, Body: v}); err != nil {
			t.Fatal(err)
		}
		ev := notify.Event{Kind: notify.KindComment, MaterialID: m.ID, MaterialTitle: v, ActorID: author.ID,
			Recipients: []int64{admin.ID}, Message: v}
		if err := e.hub.Notifier.Notify(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if err := mailer.Notify(ctx, ev); err != nil {
			t.Fatal(err)
		}
		// The theme's and school's names show on their lists and on the
		// material's page; their own pages are opened for the first few.
		id := itoa(m.ID)
		h := hostile{vector: v, slug: m.Slug, theme: theme.Slug, pages: []string{
			"/materialer/" + m.Slug, "/materialer/" + m.Slug + "/udskriv", "/indlejr/materialer/" + m.Slug,
			"/materialer?q=" + url.QueryEscape(v), "/redaktion/materialer/" + id + "/vis",
			"/redaktion/materialer/" + id, "/redaktion/materialer/" + id + "/deling",
		}}
		if i < 4 {
			h.pages = append(h.pages, "/temaer/"+theme.Slug, "/skoler/"+school.Slug, "/redaktion/brugere/"+itoa(author.ID))
		}
		out = append(out, h)
	}
	for i := range out {
		for _, l := range xsstest.MarkdownLinks {
			out[i].inert = out[i].inert || out[i].vector == l
		}
	}
	all := strings.Join(vectors, "\n\n")
	err = st.PutSettings(ctx, map[string]string{brand.KeyName: vectors[0] + " Hub", brand.KeyOwner: vectors[9],
		brand.KeyAbout: all, brand.KeyA11yContact: vectors[25], brand.KeyA11yIssues: all,
		brand.KeyA11yURL: "javascript:alert(1)", privacyTextKey: all})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestXSSCorpus puts every vector of the corpus through every field that
// reaches a reader, an editor, a feed reader or a mail, then opens every
// page that shows them in Chromium with a tripwire: any dialog the
// vectors call, any Content-Security-Policy violation and any event
// attribute or script address in the parsed document fails the test. The
// Markdown link cases must leave no link in the material's text. A
// control vector put into a page by the test shows that the tripwire sees
// what it should.
func TestXSSCorpus(t *testing.T) {
	e := newEnv(t)
	start := time.Now()
	cases := seedCorpus(t, e)
	t.Logf("seeded in %v", time.Since(start))
	ctx := newBrowser(t)
	tr := armTripwire(t, ctx)
	if err := chromedp.Run(ctx, setSession(e)); err != nil {
		t.Fatal(err)
	}

	checkTripwireSees(t, ctx, tr, e.srv.URL+"/om")
	shared := []string{"/", "/temaer", "/skoler", "/om", "/privatliv", "/feed/rss", "/feed/atom", "/feed/json",
		"/tilgaengelighed", "/indlejr/liste?antal=12", "/redaktion", "/redaktion/indbakke", "/redaktion/temaer",
		"/redaktion/skoler", "/redaktion/brugere", "/redaktion/indstillinger", "/redaktion/kalender",
		"/redaktion/deling", "/redaktion/at-rette", "/redaktion/logbog", "/redaktion/profil"}
	opened := 0
	for _, c := range cases {
		for _, p := range c.pages {
			openInert(t, ctx, tr, e.srv.URL+p, c.vector)
			opened++
		}
		if c.inert {
			checkNoLink(t, ctx, e.srv.URL+"/materialer/"+c.slug, c.vector)
		}
	}
	// Every page of the listing shows titles and summaries; the searches
	// above that found nothing are listed for the editors.
	for n := 1; n <= (len(cases)+20)/12+1; n++ {
		shared = append(shared, fmt.Sprintf("/materialer?side=%d", n))
	}
	for _, p := range append(shared, "/redaktion/soegninger") {
		openInert(t, ctx, tr, e.srv.URL+p, "")
		opened++
	}
	openInert(t, ctx, tr, feedReader(t, e, cases), "every feed item")
	checkMails(t, e, len(cases))
	// A vector that acts late (an animation's end, a frame's load) trips
	// after its page was checked: it would be caught here.
	time.Sleep(time.Second)
	if late := tr.take(); len(late) > 0 {
		t.Errorf("caught after the last page: %v", late)
	}
	t.Logf("%d vectors, %d pages opened in %v", len(cases), opened+1, time.Since(start))
}

// openInert opens u and fails the test if the tripwire caught anything
// or the parsed document holds anything active.
func openInert(t *testing.T, ctx context.Context, tr *trips, u, vector string) {
	t.Helper()
	var found []string
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Run(tctx,
		chromedp.Navigate(u),
		chromedp.WaitReady("body"),
		chromedp.Evaluate(activeDOM, &found),
	)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	found = append(found, tr.take()...)
	if len(found) > 0 {
		t.Errorf("%s (vector %q): %v", u, vector, found)
	}
}

// checkNoLink fails when the material's text at u has a link or an image
// with a source: a Markdown link case must leave its words only.
func checkNoLink(t *testing.T, ctx context.Context, u, vector string) {
	t.Helper()
	var links []string
	err := chromedp.Run(ctx, chromedp.Navigate(u), chromedp.WaitReady("body"),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".prose a[href], .prose img[src]"),
			el => el.outerHTML)`, &links))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	if len(links) > 0 {
		t.Errorf("%s: %q renders with a link: %v", u, vector, links)
	}
}

// checkTripwireSees puts a control vector into a page the way a template
// that failed to escape would, and expects the tripwire to catch both
// the script the policy blocks and the event attribute left in the
// document.
func checkTripwireSees(t *testing.T, ctx context.Context, tr *trips, u string) {
	t.Helper()
	var found []string
	var ran bool
	err := chromedp.Run(ctx, chromedp.Navigate(u), chromedp.WaitReady("body"),
		chromedp.Evaluate(`(() => { document.body.insertAdjacentHTML("beforeend",
			'<img src=x onerror=alert(1)><a href="java&#9;script:alert(2)">x</a>');
			const s = document.createElement("script"); s.textContent = "window.__ran = true; alert(3)";
			document.body.append(s); return !!window.__ran })()`, &ran),
		chromedp.Sleep(200*time.Millisecond),
		chromedp.Evaluate(activeDOM, &found))
	if err != nil {
		t.Fatal(err)
	}
	caught := strings.Join(append(found, tr.take()...), "\n")
	for _, want := range []string{"onerror", "javascript:", "csp script-src"} {
		if !strings.Contains(caught, want) {
			t.Errorf("the tripwire missed the control's %s: caught %q", want, caught)
		}
	}
	if ran {
		t.Error("the control script ran: the page has no script-src policy")
	}
	// Without the policy, the control's dialog must reach the tripwire.
	err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		return cdppage.SetBypassCSP(true).Do(ctx)
	}), chromedp.Navigate(u), chromedp.WaitReady("body"),
		chromedp.Evaluate(`document.body.insertAdjacentHTML("beforeend", '<img src=x onerror=alert(4)>')`, nil),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.ActionFunc(func(ctx context.Context) error { return cdppage.SetBypassCSP(false).Do(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.take(), "\n"); !strings.Contains(got, "alert(4)") {
		t.Errorf("the tripwire missed a dialog: caught %q", got)
	}
}

// checkMails reads the mails the corpus queued (one for each vector):
// mails are plain text, so a vector in one is text, but no subject may
// hold a line break that would start a header of the attacker's.
func checkMails(t *testing.T, e *env, want int) {
	t.Helper()
	n := 0
	for id := int64(1); ; id++ {
		m, err := e.hub.Store.MailByID(context.Background(), id)
		if errors.Is(err, storage.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("mail %d: subject %q has a line break", id, m.Subject)
		}
		n++
	}
	if n < want {
		t.Errorf("%d mails queued, want at least %d", n, want)
	}
}

// feedItem is one entry as a feed reader shows it: the title as text,
// the description and content as HTML.
type feedItem struct{ title, descHTML, contentHTML string }

// rssItems reads the items of an RSS feed as they stand in the XML: gofeed
// decodes the entities of a description once more, which would show a
// summary's escaped markup as markup, so the reader here takes the XML's
// text as HTML, as readers do.
func rssItems(t *testing.T, body io.Reader) []feedItem {
	t.Helper()
	var doc struct {
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
			Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		} `xml:"channel>item"`
	}
	if err := xml.NewDecoder(body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var out []feedItem
	for _, it := range doc.Items {
		out = append(out, feedItem{it.Title, it.Description, it.Content})
	}
	return out
}

// atomItems reads an Atom feed, whose summaries are text.
func atomItems(t *testing.T, body io.Reader) []feedItem {
	t.Helper()
	f, err := gofeed.NewParser().Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	var out []feedItem
	for _, it := range f.Items {
		out = append(out, feedItem{it.Title, html.EscapeString(it.Description), it.Content})
	}
	return out
}

// jsonItems reads a JSON Feed: content_html is HTML, content_text and the
// summary text (gofeed would hand content_text over as content).
func jsonItems(t *testing.T, body io.Reader) []feedItem {
	t.Helper()
	var doc struct {
		Items []struct {
			Title       string `json:"title"`
			Summary     string `json:"summary"`
			ContentHTML string `json:"content_html"`
			ContentText string `json:"content_text"`
		} `json:"items"`
	}
	if err := json.NewDecoder(body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var out []feedItem
	for _, it := range doc.Items {
		out = append(out, feedItem{it.Title, html.EscapeString(it.Summary + " " + it.ContentText), it.ContentHTML})
	}
	return out
}

// feedReader reads every vector's entry from the three feeds (a feed
// filtered on the vector's theme each) and serves them as a feed reader
// shows them, on a loopback server of its own without any
// Content-Security-Policy. It returns the page's address.
func feedReader(t *testing.T, e *env, cases []hostile) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Læser</title></head><body>`)
	n := 0
	for _, c := range cases {
		for _, format := range []string{"rss", "atom", "json"} {
			u := e.srv.URL + "/feed/" + format + "?tema=" + c.theme
			res, err := e.reader.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			items := map[string]func(*testing.T, io.Reader) []feedItem{"rss": rssItems, "atom": atomItems,
				"json": jsonItems}[format](t, res.Body)
			res.Body.Close()
			if len(items) != 1 || items[0].title != c.vector {
				t.Fatalf("%s: %d items, want one with the vector %q as its title", u, len(items), c.vector)
			}
			fmt.Fprintf(&b, "<article><h2>%s</h2><p>%s</p><div>%s</div></article>\n",
				html.EscapeString(items[0].title), items[0].descHTML, items[0].contentHTML)
			n++
		}
	}
	b.WriteString("</body></html>")
	page := b.String()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page) // the browser hung up if this fails; its check then fails
	}))
	t.Cleanup(srv.Close)
	t.Logf("the feed reader shows %d items", n)
	return srv.URL
}

// TestStoredUploadsRunNothing sends files that carry markup but pass a
// file field's checks (WebVTT captions with SVG, HTML and script inside,
// a PNG with a script in a text chunk) through the real upload route,
// then opens each stored file at its media address in Chromium with the
// tripwire: nothing may run and no document may hold active markup.
func TestStoredUploadsRunNothing(t *testing.T) {
	e := newEnv(t)
	doc, _ := fetch(t, e.editor, e.srv.URL+"/redaktion/materialer/ny?type=film")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	vtt := "WEBVTT\n\nNOTE <svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script>" +
		"</svg>\n\n00:00.000 --> 00:02.000\n<html><body onload=alert(3)><script>alert(4)</script>\n"
	png := pngWithText(t, "<html><script>alert(5)</script><img src=x onerror=alert(6)>")

	var body strings.Builder
	mw := multipart.NewWriter(&body)
	for _, kv := range [][2]string{{"csrf", csrf}, {"kind", "film"}, {"title", "Med filer"}, {"summary", "Kort."},
		{"audiences", "parents"}, {"language", "da"}, {"transcript", "Tale."}, {"action", "save"}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	for _, f := range []struct{ field, name, data string }{{"captions", "da.vtt", vtt},
		{"poster", "plakat.png", string(png)}} {
		w, _ := mw.CreateFormFile(f.field, f.name)
		_, _ = io.WriteString(w, f.data)
	}
	_ = mw.Close()
	res, err := e.editor.Post(e.srv.URL+"/redaktion/materialer", mw.FormDataContentType(),
		strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	form, _ := fetch(t, e.editor, res.Request.URL.String())
	ctx := newBrowser(t)
	tr := armTripwire(t, ctx)
	if err := chromedp.Run(ctx, setSession(e)); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"captions_id", "poster_id"} {
		id, _ := form.Find("input[name=" + field + "]").Attr("value")
		n, _ := strconv.ParseInt(id, 10, 64)
		m, err := e.hub.Store.GetMedia(context.Background(), n)
		if err != nil {
			t.Fatalf("%s %q was not stored: %v", field, id, err)
		}
		u := e.srv.URL + "/redaktion/medier/" + m.Key
		var found []string
		err = chromedp.Run(ctx, chromedp.Navigate(u), chromedp.Sleep(300*time.Millisecond),
			chromedp.Evaluate(activeDOM, &found))
		// A file the browser saves instead of showing aborts the navigation
		// and runs nothing; the tripwire still reports anything that ran.
		if err != nil && !strings.Contains(err.Error(), "ERR_ABORTED") {
			t.Fatalf("%s: %v", u, err)
		}
		if found = append(found, tr.take()...); len(found) > 0 {
			t.Errorf("%s (%s, %s): %v", u, field, m.ContentType, found)
		}
		t.Logf("%s stored as %s, opened: %v", field, m.ContentType, err)
	}
}

// pngWithText is a small PNG with text in a tEXt chunk.
func pngWithText(t *testing.T, text string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	data := append([]byte("Comment\x00"), text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(append(chunk, "tEXt"...), data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...) // after the IHDR chunk
}
