package web_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// oembedAnswer is an oEmbed response as a consumer reads it, from JSON or
// XML.
type oembedAnswer struct {
	Type            string `json:"type" xml:"type"`
	Version         string `json:"version" xml:"version"`
	Title           string `json:"title" xml:"title"`
	ProviderName    string `json:"provider_name" xml:"provider_name"`
	ProviderURL     string `json:"provider_url" xml:"provider_url"`
	CacheAge        int    `json:"cache_age" xml:"cache_age"`
	HTML            string `json:"html" xml:"html"`
	Width           int    `json:"width" xml:"width"`
	Height          int    `json:"height" xml:"height"`
	ThumbnailURL    string `json:"thumbnail_url" xml:"thumbnail_url"`
	ThumbnailWidth  int    `json:"thumbnail_width" xml:"thumbnail_width"`
	ThumbnailHeight int    `json:"thumbnail_height" xml:"thumbnail_height"`
}

// withCover publishes an article with a cover image of 1200 × 630.
func withCover(t *testing.T, h *hubT, title string) (*material.Material, storage.Media) {
	t.Helper()
	img := storage.Media{Key: "c0ffee0123456789.jpg", Class: "image", ContentType: "image/jpeg", Size: 9,
		Width: 1200, Height: 630}
	if err := h.st.CreateMedia(ctx, &img); err != nil {
		t.Fatal(err)
	}
	return h.publish(&material.Material{Title: title, CoverID: img.ID, CoverAlt: "Forældre ved et bord"}), img
}

// theIframe parses an oEmbed html and returns its only element, which
// must be an iframe.
func theIframe(t *testing.T, html string) *goquery.Selection {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	body := doc.Find("body")
	if n := body.Children().Length(); n != 1 || body.Children().First().Is("iframe") == false {
		t.Fatalf("html is not a single iframe: %q", html)
	}
	if strings.TrimSpace(body.Text()) != "" {
		t.Errorf("html has text beside the iframe: %q", html)
	}
	return body.Children().First()
}

func TestOEmbed(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m, img := withCover(t, h, "Det gode forældremøde")
		draft := &material.Material{Kind: material.Article, Title: "Hemmelig kladde", Summary: "x",
			Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		addr := h.srv.URL + "/materialer/" + m.Slug
		c := h.client()
		ask := func(q url.Values) page {
			t.Helper()
			return c.get("/oembed?" + q.Encode())
		}

		p := ask(url.Values{"url": {addr}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
			t.Fatalf("json: %d %s %s", p.status, p.header.Get("Content-Type"), p.body)
		}
		var got oembedAnswer
		if err := json.Unmarshal([]byte(p.body), &got); err != nil {
			t.Fatal(err)
		}
		want := oembedAnswer{Type: "rich", Version: "1.0", Title: "Det gode forældremøde",
			ProviderName: "Skole og hjem", ProviderURL: h.srv.URL + "/", CacheAge: 3600, HTML: got.HTML,
			Width: 560, Height: 200, ThumbnailURL: h.srv.URL + "/media/" + img.Key, ThumbnailWidth: 1200,
			ThumbnailHeight: 630}
		if got != want {
			t.Errorf("json answer:\n got %+v\nwant %+v", got, want)
		}
		frame := theIframe(t, got.HTML)
		for attr, want := range map[string]string{"src": h.srv.URL + "/indlejr/materialer/" + m.Slug,
			"width": "560", "height": "200", "title": "Det gode forældremøde – Skole og hjem"} {
			if v := frame.AttrOr(attr, ""); v != want {
				t.Errorf("iframe %s = %q, want %q", attr, v, want)
			}
		}
		sandbox := strings.Fields(frame.AttrOr("sandbox", "missing"))
		if !slices.Contains(sandbox, "allow-scripts") || slices.Contains(sandbox, "allow-same-origin") {
			t.Errorf("iframe sandbox %q", sandbox)
		}
		if p.header.Get("Access-Control-Allow-Origin") != "*" || p.header.Get("Set-Cookie") != "" {
			t.Errorf("headers %v", p.header)
		}

		// XML, within a consumer's bounds: the card shrinks and a cover
		// that would not fit is left out.
		p = ask(url.Values{"url": {addr}, "format": {"xml"}, "maxwidth": {"300"}, "maxheight": {"150"}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/xml") {
			t.Fatalf("xml: %d %s", p.status, p.header.Get("Content-Type"))
		}
		var x struct {
			XMLName xml.Name `xml:"oembed"`
			oembedAnswer
		}
		if err := xml.Unmarshal([]byte(p.body), &x); err != nil {
			t.Fatalf("xml: %v\n%s", err, p.body)
		}
		if x.Type != "rich" || x.Version != "1.0" || x.Width != 300 || x.Height != 150 || x.ThumbnailURL != "" ||
			x.Title != m.Title {
			t.Errorf("xml answer: %+v", x.oembedAnswer)
		}
		if f := theIframe(t, x.HTML); f.AttrOr("width", "") != "300" || f.AttrOr("height", "") != "150" {
			t.Errorf("xml iframe: %s", x.HTML)
		}

		// A renamed material is found by its old address.
		m.Title = "Årets første forældremøde"
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		p = ask(url.Values{"url": {addr}})
		if p.status != http.StatusOK || !strings.Contains(p.body, "/indlejr/materialer/aarets-foerste-foraeldremoede") {
			t.Errorf("old address: %d %s", p.status, p.body)
		}
		addr = h.srv.URL + "/materialer/" + m.Slug

		other := strings.Replace(addr, "127.0.0.1", "localhost", 1)
		for _, tt := range []struct {
			q      url.Values
			status int
		}{
			{url.Values{"url": {addr}, "format": {"yaml"}}, http.StatusNotImplemented},
			{url.Values{"url": {addr}, "maxwidth": {"abc"}}, http.StatusBadRequest},
			{url.Values{"url": {addr}, "maxheight": {"0"}}, http.StatusBadRequest},
			{url.Values{"url": {addr}, "maxwidth": {"-5"}}, http.StatusBadRequest},
			{url.Values{"url": {addr}, "maxwidth": {"99999999999999999999"}}, http.StatusBadRequest},
			{url.Values{}, http.StatusBadRequest},
			{url.Values{"url": {addr}, "maxwidth": {"120"}}, http.StatusNotFound},
			{url.Values{"url": {other}}, http.StatusNotFound},
			{url.Values{"url": {"https://andetsted.example/materialer/" + m.Slug}}, http.StatusNotFound},
			{url.Values{"url": {h.srv.URL + "/materialer/" + draft.Slug}}, http.StatusNotFound},
			{url.Values{"url": {h.srv.URL + "/materialer"}}, http.StatusNotFound},
			{url.Values{"url": {addr + "/udskriv"}}, http.StatusNotFound},
			{url.Values{"url": {h.srv.URL + "/materialer/ikke-til"}}, http.StatusNotFound},
			{url.Values{"url": {"javascript:alert(1)"}}, http.StatusNotFound},
			{url.Values{"url": {"%zz"}}, http.StatusNotFound},
		} {
			if p := ask(tt.q); p.status != tt.status {
				t.Errorf("%s: %d, want %d (%s)", tt.q.Encode(), p.status, tt.status, p.body)
			}
		}
	})
}

// TestOEmbedDiscovery: a material's page names its oEmbed addresses, and
// they answer for it; its canonical address carries no channel tag.
func TestOEmbedDiscovery(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Skærm og sociale medier"})
		c := h.client()
		p := c.get("/materialer/" + m.Slug + "?k=aula")
		if got, want := p.attr("link[rel=canonical]", "href"), h.srv.URL+"/materialer/"+m.Slug; got != want {
			t.Errorf("canonical %q, want %q", got, want)
		}
		for typ, prefix := range map[string]string{"application/json+oembed": "application/json",
			"text/xml+oembed": "text/xml"} {
			href := p.attr("link[rel=alternate][type='"+typ+"']", "href")
			u, err := url.Parse(href)
			if err != nil || !strings.HasPrefix(href, h.srv.URL+"/oembed?") {
				t.Fatalf("%s discovery link %q", typ, href)
			}
			res := c.get(u.RequestURI())
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), prefix) ||
				!strings.Contains(res.body, "Skærm og sociale medier") {
				t.Errorf("%s: %d %s", typ, res.status, res.body)
			}
		}
	})
}

// TestOnlyEmbedPagesMayBeFramed calls every GET route and checks that the
// embed pages, and only they, let other sites frame them.
func TestOnlyEmbedPagesMayBeFramed(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Et materiale"})
		values := map[string]string{"slug": m.Slug, "id": "1", "key": "0123456789abcdef.png", "name": "site.css",
			"cid": "1"}
		admin, _ := h.login(storage.RoleAdmin)
		var framed []string
		for _, r := range h.web.Routes() {
			if r.Method != "GET" {
				continue
			}
			if r.Framed {
				framed = append(framed, r.Pattern)
			}
			p := admin.get(fill(r.Pattern, values))
			csp := p.header.Get("Content-Security-Policy")
			if r.Framed {
				if !strings.HasSuffix(csp, "frame-ancestors *") || p.header.Get("X-Frame-Options") != "" {
					t.Errorf("%s: may not be framed: %q, X-Frame-Options %q", r.Pattern, csp,
						p.header.Get("X-Frame-Options"))
				}
				if p.header.Get("Set-Cookie") != "" || p.status != http.StatusOK {
					t.Errorf("%s: %d, Set-Cookie %q", r.Pattern, p.status, p.header.Get("Set-Cookie"))
				}
			} else if !strings.Contains(csp, "frame-ancestors 'none'") || p.header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: may be framed: %q", r.Pattern, csp)
			}
		}
		want := []string{"/indlejr/materialer/{slug}", "/indlejr/liste"}
		if !slices.Equal(framed, want) {
			t.Errorf("framed routes %v, want %v", framed, want)
		}
	})
}

func TestEmbedCard(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m, img := withCover(t, h, "Når dit barn ikke trives")
		c := h.client()
		p := c.get("/indlejr/materialer/" + m.Slug)
		if p.status != http.StatusOK {
			t.Fatalf("card: %d", p.status)
		}
		link := p.doc.Find("main h1 a")
		if link.AttrOr("href", "") != "/materialer/"+m.Slug+"?k=kort" || link.AttrOr("target", "") != "_top" ||
			strings.TrimSpace(link.Text()) != m.Title {
			t.Errorf("card link %q target %q text %q", link.AttrOr("href", ""), link.AttrOr("target", ""),
				link.Text())
		}
		if src := p.attr("main img", "src"); src != "/media/"+img.Key {
			t.Errorf("card image %q", src)
		}
		if p.doc.Find("script:not([src])").Length() != 0 || p.doc.Find("[style]").Length() != 0 {
			t.Error("inline script or style on an embed page")
		}
		draft := &material.Material{Kind: material.Article, Title: "Kladde", Summary: "x", Language: "da",
			Audiences: []material.Audience{material.Parents}, Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/indlejr/materialer/" + draft.Slug, "/indlejr/materialer/findes-ikke",
			"/indlejr/materialer/%C3%A6%00"} {
			if p := c.get(path); p.status != http.StatusNotFound {
				t.Errorf("%s: %d", path, p.status)
			}
		}
	})
}

func TestListWidget(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		base := time.Now().Add(-time.Hour)
		var titles []string
		for i, title := range []string{"Ældst for lærere", "Midt for lærere", "For forældre", "Nyest for lærere"} {
			aud := material.Teachers
			if strings.Contains(title, "forældre") {
				aud = material.Parents
			}
			m := h.publish(&material.Material{Title: title, Audiences: []material.Audience{aud}})
			m.PublishedAt = base.Add(time.Duration(i) * time.Minute)
			if err := h.st.UpdateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			titles = append(titles, m.Slug)
		}
		c := h.client()
		p := c.get("/indlejr/liste?maalgruppe=laerere&antal=2&farve=ffd700")
		if p.status != http.StatusOK || p.header.Get("Set-Cookie") != "" {
			t.Fatalf("widget: %d %q", p.status, p.header.Get("Set-Cookie"))
		}
		var got []string
		p.doc.Find(".elist-items a").Each(func(_ int, a *goquery.Selection) {
			got = append(got, a.AttrOr("href", "")+" "+a.AttrOr("target", ""))
		})
		want := []string{"/materialer/" + titles[3] + "?k=widget _top", "/materialer/" + titles[1] + "?k=widget _top"}
		if !slices.Equal(got, want) {
			t.Errorf("widget links %q, want %q", got, want)
		}
		if all := p.attr(".elist-all a", "href"); all != "/materialer?maalgruppe=laerere" {
			t.Errorf("all link %q", all)
		}
		css := p.attr("link[rel=stylesheet][href^='/indlejr/farve/']", "href")
		if css != "/indlejr/farve/ffd700.css" {
			t.Fatalf("colour stylesheet %q", css)
		}
		sheet := c.get(css)
		if sheet.status != http.StatusOK || !strings.HasPrefix(sheet.header.Get("Content-Type"), "text/css") ||
			!strings.Contains(sheet.body, "--brand:#ffd700;--brand-text:#000000;") {
			t.Errorf("colour sheet: %d %s", sheet.status, sheet.body)
		}

		// A colour or a count that does not read leaves the widget
		// working, in the hub's colour.
		p = c.get("/indlejr/liste?farve=bl%C3%A5&antal=999")
		if p.status != http.StatusOK || p.doc.Find(".elist-items li").Length() != 4 ||
			p.doc.Find("link[href^='/indlejr/farve/']").Length() != 0 {
			t.Errorf("bad colour and count: %d, %d items", p.status, p.doc.Find(".elist-items li").Length())
		}
		if p := c.get("/indlejr/liste?tema=findes-ikke"); p.status != http.StatusOK ||
			p.doc.Find(".elist-note").Length() != 1 {
			t.Errorf("unknown theme: %d", p.status)
		}
		for _, name := range []string{"FFD700.css", "ffd70.css", "zzzzzz.css", "ffd700.js", "ffd700"} {
			if p := c.get("/indlejr/farve/" + name); p.status != http.StatusNotFound {
				t.Errorf("colour sheet %s: %d", name, p.status)
			}
		}

		script := c.get("/indlejr/liste.v1.js")
		src, err := os.ReadFile("static/widget.js")
		if err != nil {
			t.Fatal(err)
		}
		if script.status != http.StatusOK || script.body != string(src) ||
			!strings.HasPrefix(script.header.Get("Content-Type"), "text/javascript") {
			t.Errorf("widget script: %d %s", script.status, script.header.Get("Content-Type"))
		}
	})
}

// TestTaggedVisitsCounted: a visit through a tagged link counts once for
// its channel and day; untagged visits, unknown tags and drafts count
// nothing; every reader gets the same bytes and no cookie.
func TestTaggedVisitsCounted(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Klassens forældreråd"})
		draft := &material.Material{Kind: material.Article, Title: "Kladde", Summary: "x", Language: "da",
			Audiences: []material.Audience{material.Parents}, Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		path := "/materialer/" + m.Slug
		c := h.client()
		before := time.Now().In(localtime.Zone).Format(time.DateOnly)
		first := c.get(path)
		for _, q := range []string{"", "?k=aula", "?k=aula", "?k=aula", "?k=qr", "?k=ukendt", "?k=", "?k=AULA"} {
			p := c.get(path + q)
			if p.status != http.StatusOK || p.body != first.body {
				t.Errorf("%s: %d, same page %v", q, p.status, p.body == first.body)
			}
			if p.header.Get("Set-Cookie") != "" {
				t.Errorf("%s sets a cookie", q)
			}
		}
		req, _ := http.NewRequest("HEAD", h.srv.URL+path+"?k=aula", nil)
		c.do(req)
		if p := c.get("/materialer/" + draft.Slug + "?k=aula"); p.status != http.StatusNotFound {
			t.Errorf("draft: %d", p.status)
		}

		// A renamed material's old address passes the tag on.
		m.Title = "Forældrerådet"
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		p := c.get(path + "?k=plakat")
		if loc := p.header.Get("Location"); p.status != http.StatusMovedPermanently ||
			loc != "/materialer/"+m.Slug+"?k=plakat" {
			t.Fatalf("old address: %d %q", p.status, loc)
		}
		c.get(p.header.Get("Location"))
		h.web.FlushCounts(ctx)

		after := time.Now().In(localtime.Zone).Format(time.DateOnly)
		got, err := h.st.MaterialVisits(ctx, m.ID, "2000-01-01", "2999-12-31")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"aula": 3, "qr": 1, "plakat": 1}
		total := 0
		for _, v := range got {
			if want[v.Channel] != v.Visits {
				t.Errorf("%s: %d visits, want %d", v.Channel, v.Visits, want[v.Channel])
			}
			if v.Day != before && v.Day != after { // the day in Copenhagen
				t.Errorf("visit counted on %s, today is %s", v.Day, after)
			}
			total++
		}
		if total != len(want) {
			t.Errorf("channels counted: %+v", got)
		}
		if got, _ := h.st.MaterialVisits(ctx, draft.ID, "2000-01-01", "2999-12-31"); len(got) != 0 {
			t.Errorf("a draft's visits were counted: %+v", got)
		}
	})
}
