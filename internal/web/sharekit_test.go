package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

func TestShareKit(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Kind: material.Film, Title: "Fire gode vaner",
			Summary: "En kort film om morgener, madpakker og god søvn."})
		ed, _ := h.login(storage.RoleEditor)
		kit := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10) + "/deling"
		public := h.srv.URL + "/materialer/" + m.Slug

		p := ed.get(kit)
		if p.status != http.StatusOK {
			t.Fatalf("share kit: %d", p.status)
		}
		if got := p.attr("#share-url", "value"); got != public {
			t.Errorf("address %q", got)
		}
		if got := p.attr("#aula-subject", "value"); got != m.Title {
			t.Errorf("Aula subject %q", got)
		}
		aula := p.text("#aula-body")
		if !strings.Contains(aula, "Se filmen her:\n"+public+"?k=aula\n") || !strings.Contains(aula, m.Summary) {
			t.Errorf("Aula message:\n%s", aula)
		}
		if news := p.text("#news-text"); !strings.HasSuffix(news, public+"?k=nyhedsbrev") {
			t.Errorf("newsletter text:\n%s", news)
		}
		var links []string
		p.doc.Find("input[id^=link-]").Each(func(_ int, in *goquery.Selection) {
			links = append(links, in.AttrOr("value", ""))
		})
		if strings.Join(links, " ") != public+"?k=fb "+public+"?k=li "+public+"?k=aula "+public+"?k=nyhedsbrev" {
			t.Errorf("channel links %q", links)
		}
		code := p.text("#embed-code")
		if f := theIframe(t, code); f.AttrOr("src", "") != h.srv.URL+"/indlejr/materialer/"+m.Slug {
			t.Errorf("embed code %s", code)
		}
		if p.attr(".share-card-preview", "src") != "/indlejr/materialer/"+m.Slug {
			t.Error("no preview of the card")
		}

		// The QR code scans as the tagged address.
		img := ed.get(kit + "/qr.png")
		if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr.png: %d %s", img.status, img.header.Get("Content-Type"))
		}
		decoded, err := png.Decode(strings.NewReader(img.body))
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(decoded)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || res.GetText() != public+"?k=qr" {
			t.Errorf("qr.png scans as %v (%v)", res, err)
		}
		for file, typ := range map[string]string{"qr.svg": "image/svg+xml", "plakat.pdf": "application/pdf"} {
			f := ed.get(kit + "/" + file)
			if f.status != http.StatusOK || f.header.Get("Content-Type") != typ ||
				!strings.HasPrefix(f.header.Get("Content-Disposition"), "attachment;") {
				t.Errorf("%s: %d %s %s", file, f.status, f.header.Get("Content-Type"),
					f.header.Get("Content-Disposition"))
			}
		}
		if pdf := ed.get(kit + "/plakat.pdf"); !bytes.HasPrefix([]byte(pdf.body), []byte("%PDF-")) {
			t.Error("the poster is not a PDF")
		}

		// Visits through the links show up in the kit and the overview.
		reader := h.client()
		for _, q := range []string{"?k=aula", "?k=aula", "?k=qr", "", "?k=ukendt"} {
			reader.get("/materialer/" + m.Slug + q)
		}
		h.web.FlushCounts(ctx)
		p = ed.get(kit)
		var head []string
		p.doc.Find("#visits-title ~ .table-wrap thead th").Each(func(_ int, th *goquery.Selection) {
			head = append(head, th.Text())
		})
		var row []string
		p.doc.Find("#visits-title ~ .table-wrap tbody tr").First().Find("td").Each(func(_ int, td *goquery.Selection) {
			row = append(row, td.Text())
		})
		if strings.Join(head, "|") != "Dag|Aula|QR-kode|I alt" || strings.Join(row, "|") != "2|1|3" {
			t.Errorf("kit visits: %q %q", head, row)
		}
		over := ed.get("/redaktion/deling")
		first := over.doc.Find("tbody tr").First()
		if first.Find("th a").AttrOr("href", "") != kit || first.Find("td").Last().Text() != "3" {
			t.Errorf("overview row: %q", first.Text())
		}
		for _, q := range []string{"?dage=7", "?dage=365", "?dage=abc", "?dage=-1", "?dage=%00"} {
			p := ed.get("/redaktion/deling" + q)
			if p.status != http.StatusOK || p.text("tbody tr td:last-child") != "3" {
				t.Errorf("overview %s: %d %q", q, p.status, p.text("tbody tr td:last-child"))
			}
		}
	})
}

func TestShareKitOnlyForPublished(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		draft := &material.Material{Kind: material.Article, Title: "Kladde", Summary: "x", Language: "da",
			Audiences: []material.Audience{material.Parents}, Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		ed, _ := h.login(storage.RoleEditor)
		kit := "/redaktion/materialer/" + strconv.FormatInt(draft.ID, 10) + "/deling"
		p := ed.get(kit)
		if p.status != http.StatusOK || p.doc.Find(".notice").Length() != 1 || p.doc.Find("#aula-body").Length() != 0 {
			t.Errorf("kit of a draft: %d", p.status)
		}
		for _, file := range []string{"/qr.png", "/qr.svg", "/plakat.pdf"} {
			if p := ed.get(kit + file); p.status != http.StatusNotFound {
				t.Errorf("%s of a draft: %d", file, p.status)
			}
		}
		for _, path := range []string{"/redaktion/materialer/999999/deling",
			"/redaktion/materialer/abc/deling/qr.png"} {
			if p := ed.get(path); p.status != http.StatusNotFound {
				t.Errorf("%s: %d", path, p.status)
			}
		}
	})
}

func TestWidgetBuilder(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Title: "Til forældre", Body: "Brødteksten."})
		ed, _ := h.login(storage.RoleEditor)
		q := url.Values{"maalgruppe": {"foraeldre"}, "farve": {"#FFD700"}, "antal": {"3"}}
		p := ed.get("/redaktion/deling/indlejring?" + q.Encode())
		if p.status != http.StatusOK {
			t.Fatalf("builder: %d", p.status)
		}
		// A filter value that does not exist is named, not a snippet made
		// for a list that would show everything.
		if bad := ed.get("/redaktion/deling/indlejring?type=podcast"); bad.status != http.StatusUnprocessableEntity ||
			!strings.Contains(bad.text("#filter-problem"), "type=podcast") || bad.doc.Find("textarea").Length() != 0 {
			t.Errorf("unknown filter in the builder: %d %q", bad.status, bad.text("#filter-problem"))
		}
		preview := "/indlejr/liste?antal=3&farve=ffd700&maalgruppe=foraeldre"
		if got := p.attr("iframe.widget-preview", "src"); got != preview {
			t.Errorf("preview %q, want %q", got, preview)
		}
		if p.doc.Find("input[name=maalgruppe][value=foraeldre][checked]").Length() != 1 ||
			p.attr("#farve", "value") != "#FFD700" || p.attr("#antal option[selected]", "value") != "3" {
			t.Error("the form does not keep the choices")
		}
		if !strings.Contains(p.text("#preview-title + p"), "sort tekst") {
			t.Errorf("text colour on gold: %q", p.text("#preview-title + p"))
		}

		snippet, err := goquery.NewDocumentFromReader(strings.NewReader(p.text("#widget-code")))
		if err != nil {
			t.Fatal(err)
		}
		frame, script := snippet.Find("iframe"), snippet.Find("script")
		if frame.Length() != 1 || script.Length() != 1 {
			t.Fatalf("snippet: %s", p.text("#widget-code"))
		}
		if frame.AttrOr("src", "") != h.srv.URL+preview || !frame.Is("[data-bindeled-liste][title][sandbox]") ||
			strings.Contains(frame.AttrOr("sandbox", ""), "allow-same-origin") {
			t.Errorf("snippet iframe: %s", p.text("#widget-code"))
		}
		if script.AttrOr("src", "") != h.srv.URL+"/indlejr/liste.v1.js" {
			t.Errorf("snippet script %q", script.AttrOr("src", ""))
		}
		if ed.get(frame.AttrOr("src", "")[len(h.srv.URL):]).status != http.StatusOK {
			t.Error("the snippet's widget does not answer")
		}

		// Beside it, the feeds of the same filter, light and full.
		var light, full []string
		p.doc.Find(".widget-feeds li").Each(func(_ int, li *goquery.Selection) {
			light = append(light, li.Find("a").First().AttrOr("href", ""))
			full = append(full, li.Find("a").Last().AttrOr("href", ""))
		})
		var wantLight []string
		for _, format := range []string{"rss", "atom", "json"} {
			wantLight = append(wantLight, h.srv.URL+"/feed/"+format+"?maalgruppe=foraeldre")
		}
		if !slices.Equal(light, wantLight) {
			t.Errorf("feeds %q, want %q", light, wantLight)
		}
		for i, u := range full {
			if u != wantLight[i]+"&tekst=fuld" {
				t.Errorf("full-text feed %q", u)
			}
		}
		for _, u := range append(light, full...) {
			got := ed.get(strings.TrimPrefix(u, h.srv.URL))
			if body := strings.Contains(got.body, "Brødteksten."); got.status != http.StatusOK ||
				!strings.Contains(got.body, "Til forældre") || body != strings.HasSuffix(u, "tekst=fuld") {
				t.Errorf("%s: status %d, body text: %v", u, got.status, body)
			}
		}

		// Mistakes are named next to their field, and what was typed stays.
		for _, tt := range []struct{ q, field, typed string }{
			{"farve=bl%C3%A5&antal=3", "farve", "blå"},
			{"farve=%23ffd7&antal=3", "farve", "#ffd7"},
			{"antal=13", "antal", ""},
			{"antal=x", "antal", ""},
		} {
			p := ed.get("/redaktion/deling/indlejring?" + tt.q)
			if p.status != http.StatusUnprocessableEntity || p.text("#"+tt.field+"-problem") == "" ||
				p.attr("#"+tt.field, "aria-invalid") != "true" {
				t.Errorf("%s: %d %q", tt.q, p.status, p.text("#"+tt.field+"-problem"))
			}
			if tt.typed != "" && p.attr("#farve", "value") != tt.typed {
				t.Errorf("%s: the colour field has %q", tt.q, p.attr("#farve", "value"))
			}
			if p.doc.Find("#widget-code").Length() != 0 {
				t.Errorf("%s: a snippet for a bad choice", tt.q)
			}
		}
	})
}
