package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

func TestPublicPages(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		th := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := h.st.SaveTheme(ctx, &th); err != nil {
			t.Fatal(err)
		}
		sc := storage.School{Slug: "nordskolen", Name: "Nordskolen"}
		if err := h.st.CreateSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		m := h.publish(&material.Material{Title: "Det gode forældremøde", ThemeIDs: []int64{th.ID},
			SchoolID: sc.ID, Body: "## Før mødet\n\n| a | b |\n|---|---|\n| 1 | 2 |"})
		h.publish(&material.Material{Kind: material.Link, Title: "Skole og Forældre",
			LinkURL: "https://skole-foraeldre.dk", LinkPublisher: "Skole og Forældre", Body: "God viden.",
			Audiences: []material.Audience{material.SchoolBoard}})
		draft := &material.Material{Kind: material.Article, Title: "Hemmelig kladde", Summary: "x",
			Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}

		c := h.client()
		tests := []struct {
			path     string
			status   int
			h1       string
			contains []string // selectors that must match
			absent   string   // text that must not appear
		}{
			{"/", 200, "Skole og hjem", []string{"a[href='/materialer/det-gode-foraeldremoede']"}, "Hemmelig kladde"},
			{"/materialer", 200, "Materialer", []string{"form.filters", "input[name=type][value=artikel]"},
				"Hemmelig kladde"},
			{"/materialer?type=artikel", 200, "Materialer",
				[]string{"input[name=type][value=artikel][checked]"}, "Skole og Forældre"},
			{"/materialer?maalgruppe=skolebestyrelser&type=link", 200, "Materialer", []string{".card-link"},
				"Det gode forældremøde"},
			{"/materialer/det-gode-foraeldremoede", 200, "Det gode forældremøde", []string{"article table",
				"dl.facts a[href='/temaer/trivsel']", "a[href='/skoler/nordskolen']"}, ""},
			{"/materialer/skole-og-foraeldre", 200, "Skole og Forældre",
				[]string{"a.external[href='https://skole-foraeldre.dk'][rel~=noopener]"}, ""},
			{"/temaer", 200, "Temaer", []string{"a[href='/temaer/trivsel']"}, ""},
			{"/temaer/trivsel", 200, "Trivsel", []string{".card"}, "Skole og Forældre"},
			{"/skoler", 200, "Skoler", []string{"a[href='/skoler/nordskolen']"}, ""},
			{"/skoler/nordskolen", 200, "Nordskolen", []string{".card"}, ""},
			{"/om", 200, "Om siden", []string{".prose h2"}, ""},
			{"/materialer/" + draft.Slug, 404, "Siden findes ikke", nil, "Hemmelig kladde"},
			{"/materialer/findes-ikke", 404, "Siden findes ikke", nil, ""},
			{"/materialer/UPPER%20case", 404, "Siden findes ikke", nil, ""},
			{"/temaer/findes-ikke", 404, "Siden findes ikke", nil, ""},
			{"/nowhere/at/all", 404, "Siden findes ikke", nil, ""},
		}
		for _, tt := range tests {
			p := c.get(tt.path)
			if p.status != tt.status {
				t.Errorf("GET %s: status %d, want %d", tt.path, p.status, tt.status)
				continue
			}
			if got := p.text("h1"); got != tt.h1 {
				t.Errorf("GET %s: h1 %q, want %q", tt.path, got, tt.h1)
			}
			for _, sel := range tt.contains {
				if p.doc.Find(sel).Length() == 0 {
					t.Errorf("GET %s: nothing matches %q", tt.path, sel)
				}
			}
			if strings.Contains(p.body, "%!") {
				t.Errorf("GET %s: a text was formatted wrongly", tt.path)
			}
			if tt.absent != "" && strings.Contains(p.body, tt.absent) {
				t.Errorf("GET %s: shows %q", tt.path, tt.absent)
			}
			checkPublicPage(t, tt.path, p)
		}
		_ = m
	})
}

// checkPublicPage checks what every public page must be: Danish, with a
// skip link, no inline script or style, a strict CSP and no cookies.
func checkPublicPage(t *testing.T, path string, p page) {
	t.Helper()
	if lang := p.attr("html", "lang"); lang != "da" {
		t.Errorf("%s: lang %q", path, lang)
	}
	if p.attr("a.skip", "href") != "#indhold" || p.doc.Find("main#indhold").Length() != 1 {
		t.Errorf("%s: no skip link to main", path)
	}
	// The only script without a source is JSON-LD: data that no browser
	// runs, which the CSP's script-src does not govern.
	p.doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); ok {
			return
		}
		if s.AttrOr("type", "") != "application/ld+json" || !json.Valid([]byte(s.Text())) {
			t.Errorf("%s: inline script", path)
		}
	})
	if p.doc.Find("style, [style]").Length() > 0 || regexp.MustCompile(`\son[a-z]+=`).MatchString(p.body) {
		t.Errorf("%s: inline style or event handler", path)
	}
	csp := p.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: CSP %q", path, csp)
	}
	if c := p.header.Get("Set-Cookie"); c != "" {
		t.Errorf("%s: public page sets a cookie: %s", path, c)
	}
	if p.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", path)
	}
}

func TestMalformedInputNeverFails(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Title: "Et materiale"})
		c := h.client()
		for _, path := range []string{
			"/materialer?side=-1", "/materialer?side=999999999999999999999", "/materialer?side=abc",
			"/materialer?type=%ZZ", "/materialer?type=artikel&type=artikel&type=film&type=nope",
			"/materialer?tema=" + strings.Repeat("x", 5000), "/materialer?%00=%00",
			"/materialer/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/media/..%2f..%2fetc%2fpasswd",
			"/media/" + strings.Repeat("a", 300), "/static/nope.css", "/temaer/%ff", "/skoler/%00",
			"/materialer/et-materiale?video=vis&video=%ff", "/redaktion/login?next=https://evil.example",
		} {
			p := c.get(path)
			if p.status >= 500 {
				t.Errorf("GET %s: status %d", path, p.status)
			}
		}
		p := c.get("/materialer?type=digt&side=7")
		if p.status != http.StatusOK || p.doc.Find(".notice").Length() != 1 {
			t.Errorf("unknown filter value: status %d, notice %d", p.status, p.doc.Find(".notice").Length())
		}
	})
}

func TestListingPaginates(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		for i := 0; i < 14; i++ {
			h.publish(&material.Material{Title: "Materiale nummer " + string(rune('a'+i))})
		}
		c := h.client()
		p1 := c.get("/materialer?type=artikel")
		if n := p1.doc.Find(".card").Length(); n != 12 {
			t.Errorf("page 1 has %d cards, want 12", n)
		}
		next := p1.attr("a[rel=next]", "href")
		if next != "/materialer?side=2&type=artikel" {
			t.Fatalf("next link %q", next)
		}
		p2 := c.get(next)
		if n := p2.doc.Find(".card").Length(); n != 2 {
			t.Errorf("page 2 has %d cards, want 2", n)
		}
		if got := p2.text(".result-count"); got != "14 materialer" {
			t.Errorf("count %q", got)
		}
		if c.get("/materialer?side=99").doc.Find(".card").Length() != 2 {
			t.Error("a page past the end does not show the last page")
		}
	})
}

func TestRenamedMaterialRedirects(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Første skoledag"})
		m.Title = "Den første skoledag"
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		for _, path := range []string{"/materialer/foerste-skoledag", "/materialer/foerste-skoledag/udskriv"} {
			p := c.get(path)
			want := strings.Replace(path, "foerste-skoledag", "den-foerste-skoledag", 1)
			if p.status != http.StatusMovedPermanently || p.header.Get("Location") != want {
				t.Errorf("GET %s: %d to %q, want 301 to %q", path, p.status, p.header.Get("Location"), want)
			}
		}
		// Once it is no longer public, the old address tells nothing of
		// the new one.
		m.Status = material.Unpublished
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if p := c.get("/materialer/foerste-skoledag?k=aula"); p.status != http.StatusNotFound ||
			p.header.Get("Location") != "" {
			t.Errorf("old address of an unpublished material: %d to %q", p.status, p.header.Get("Location"))
		}
	})
}

func TestExternalFilmLoadsOnlyOnRequest(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Kind: material.Film, Title: "En film", ExternalURL: "https://youtu.be/dQw4w9WgXcQ",
			Transcript: "Det siges i filmen."})
		c := h.client()
		p := c.get("/materialer/en-film")
		if p.doc.Find("iframe").Length() != 0 {
			t.Error("the external player loads before the reader asks")
		}
		if p.doc.Find(".transcript").Length() != 1 {
			t.Error("no transcript beside the film")
		}
		p = c.get(p.attr(".consent a.button", "href"))
		if src := p.attr("iframe", "src"); src != "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" {
			t.Errorf("player src %q", src)
		}
	})
}

func TestBrandColourStylesheet(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		if err := h.st.PutSettings(ctx, map[string]string{"brand.colour": "#ffd700",
			"brand.name": "Hjem & Skole"}); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		p := c.get("/")
		if p.text("h1") != "Hjem & Skole" {
			t.Errorf("name not shown: %q", p.text("h1"))
		}
		css := c.get(p.attr("link[href^='/brand/']", "href"))
		if !strings.Contains(css.body, "--brand:#ffd700") || !strings.Contains(css.body, "--brand-text:#000000") {
			t.Errorf("brand css %q", css.body)
		}
		if !strings.Contains(css.header.Get("Cache-Control"), "immutable") {
			t.Errorf("brand css cache %q", css.header.Get("Cache-Control"))
		}
	})
}

func TestStaticAssetsAreHashedAndImmutable(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c := h.client()
		href := c.get("/").attr("script[src]", "src")
		if !regexp.MustCompile(`^/static/player\.[0-9a-f]{10}\.js$`).MatchString(href) {
			t.Fatalf("script %q is not content-hashed", href)
		}
		p := c.get(href)
		if p.status != 200 || !strings.Contains(p.header.Get("Cache-Control"), "immutable") ||
			!strings.HasPrefix(p.header.Get("Content-Type"), "text/javascript") {
			t.Errorf("asset: %d %q %q", p.status, p.header.Get("Cache-Control"), p.header.Get("Content-Type"))
		}
	})
}

// TestPublicPagesLoadOneStylesheet: site.css and the brand colour come as
// one stylesheet named by a hash of both, which a colour change renames.
func TestPublicPagesLoadOneStylesheet(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c := h.client()
		p := c.get("/")
		links := p.doc.Find("link[rel=stylesheet]")
		href, _ := links.Attr("href")
		if links.Length() != 1 || !regexp.MustCompile(`^/brand/site\.[0-9a-f]{10}\.css$`).MatchString(href) {
			t.Fatalf("%d stylesheets, the first %q", links.Length(), href)
		}
		css := c.get(href)
		if css.status != 200 || !strings.Contains(css.body, "@media print") ||
			!strings.Contains(css.body, "--brand:") || !strings.Contains(css.header.Get("Cache-Control"), "immutable") {
			t.Errorf("stylesheet: %d %q, %d bytes", css.status, css.header.Get("Cache-Control"), len(css.body))
		}
		if err := h.st.PutSettings(ctx, map[string]string{"brand.colour": "#ffd700"}); err != nil {
			t.Fatal(err)
		}
		renamed := c.get("/").attr("link[rel=stylesheet]", "href")
		if renamed == href || !strings.Contains(c.get(renamed).body, "--brand:#ffd700") {
			t.Errorf("after a colour change the stylesheet is %q", renamed)
		}
		old := c.get(href)
		if !strings.Contains(old.body, "--brand:#ffd700") || old.header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("the old name: %q, %q", old.header.Get("Cache-Control"), old.body[max(0, len(old.body)-80):])
		}
	})
}

func TestOtherLanguagesMarked(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := &material.Material{Title: "مرحبا بالآباء في المدرسة", Summary: "ملخص قصير", Body: "نص عربي."}
		h.publish(m)
		en := &material.Material{Title: "Welcome to school", Summary: "For parents new to Denmark."}
		en.Language = "en"
		h.publish(en)
		en.Language = "en"
		if err := h.st.UpdateMaterial(ctx, en); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		p := c.get("/materialer/" + m.Slug)
		if p.status != 200 || p.attr("h1", "dir") != "auto" || p.attr(".prose", "dir") != "auto" {
			t.Errorf("right-to-left title not marked: %d %q", p.status, p.attr("h1", "dir"))
		}
		p = c.get("/materialer/welcome-to-school")
		if p.attr("article", "lang") != "en" {
			t.Errorf("English material without lang: %q", p.attr("article", "lang"))
		}
	})
}

func TestReadersSearchTheWayTheyType(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Title: "Det gode forældremøde", Summary: "Sådan får alle ordet på forældremødet.",
			Audiences: []material.Audience{material.Parents}})
		h.publish(&material.Material{Title: "Trivsel i klassen", Audiences: []material.Audience{material.Teachers}})
		h.publish(&material.Material{Title: "Forældremøder for lærere",
			Audiences: []material.Audience{material.Teachers}})
		c := h.client()
		for q, want := range map[string]string{"forældremøder": "Det gode forældremøde",
			"foraeldremoede": "Det gode forældremøde",
			"tirvsel":        "Trivsel i klassen", "triv": "Trivsel i klassen"} {
			p := c.get("/materialer?q=" + url.QueryEscape(q))
			if p.status != http.StatusOK || !strings.Contains(p.text(".results"), want) {
				t.Errorf("%q: %d, results %q", q, p.status, p.text(".results"))
			}
		}
		if marked := c.get("/materialer?q=forældremøder").text(".results mark"); marked != "forældremødet" {
			t.Errorf("the matched word is not marked: %q", marked)
		}
		// The facets count within what the query found, and combine with it.
		p := c.get("/materialer?q=for%C3%A6ldrem%C3%B8de&maalgruppe=foraeldre")
		if n := p.doc.Find(".results .card").Length(); n != 1 || p.attr("input[name=q][type=hidden]", "value") == "" {
			t.Errorf("query and facet: %d cards", n)
		}
		// Nothing found: a suggestion, and the editors see what was asked.
		p = c.get("/materialer?q=tirvselx")
		if p.status != http.StatusOK || p.doc.Find(".results .card").Length() != 0 {
			t.Errorf("nonsense query: %d", p.status)
		}
		p = c.get("/materialer?q=tirvsl") // two edits: too many to find, near enough to suggest
		if got := p.text(".suggestion a"); got != "trivsel" {
			t.Errorf("did you mean %q", got)
		}
		if p := c.get(p.attr(".suggestion a", "href")); !strings.Contains(p.text(".results"), "Trivsel i klassen") {
			t.Error("the suggestion finds nothing")
		}
		for _, q := range []string{strings.Repeat("x", 1000), `"'*:()`, "%00", "a OR b", "\u202e"} {
			if p := c.get("/materialer?q=" + url.QueryEscape(q)); p.status != http.StatusOK {
				t.Errorf("query %q: %d", q, p.status)
			}
		}
		ed, _ := h.login(storage.RoleEditor)
		h.web.FlushCounts(ctx)
		if misses := ed.get("/redaktion/soegninger"); !strings.Contains(misses.text("main"), "tirvselx") {
			t.Errorf("missed searches: %q", misses.text("main"))
		}
		if ws := ed.get("/redaktion?q=foraeldremode"); !strings.Contains(ws.text("tbody"), "Det gode forældremøde") {
			t.Errorf("workspace search: %q", ws.text("tbody"))
		}

		// Editors add words that mean the same; readers then find by them.
		syn := ed.get("/redaktion/synonymer")
		csrf := syn.attr("input[name=csrf]", "value")
		if p := ed.post("/redaktion/synonymer", url.Values{"csrf": {csrf},
			"words": {"velbefindende"}}); p.status != http.StatusUnprocessableEntity ||
			p.text("#words-problem") == "" || p.attr("#words", "value") != "velbefindende" {
			t.Errorf("one word: %d", p.status)
		}
		if p := ed.post("/redaktion/synonymer", url.Values{"csrf": {csrf},
			"words": {"Velbefindende, trivsel"}}); p.status != http.StatusSeeOther {
			t.Fatalf("add synonyms: %d", p.status)
		}
		if p := c.get("/materialer?q=velbefindende"); !strings.Contains(p.text(".results"), "Trivsel i klassen") {
			t.Errorf("the synonym finds nothing: %q", p.text(".results"))
		}
		if c.post("/redaktion/synonymer", url.Values{"words": {"a, b"}}).status != http.StatusForbidden {
			t.Error("a reader changed the synonyms")
		}
		for _, bad := range []string{"trivsel, velbefindende", "<script>alert(1)</script>, x"} {
			if p := ed.post("/redaktion/synonymer", url.Values{"csrf": {csrf},
				"words": {bad}}); p.status != http.StatusUnprocessableEntity {
				t.Errorf("synonyms %q: %d", bad, p.status)
			}
		}
		for _, id := range []string{"999999", "abc"} { // gone already, or never a group
			if p := ed.post("/redaktion/synonymer", url.Values{"csrf": {csrf},
				"delete": {id}}); p.status != http.StatusSeeOther {
				t.Errorf("deleting group %q that is not there: %d", id, p.status)
			}
		}
		if p := ed.post("/redaktion/synonymer", url.Values{"csrf": {csrf},
			"words": {"skaerm, skærm"}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.text("#words-problem"), "samme ord") {
			t.Errorf("two spellings of one word: %d %q", p.status, p.text("#words-problem"))
		}

		// A query that finds something is not logged as a miss when the
		// facets empty the list.
		c.get("/materialer?q=trivsel&maalgruppe=skolebestyrelser")
		if misses := ed.get("/redaktion/soegninger"); strings.Contains(misses.text("main"), "trivsel") {
			t.Error("a query that found something is logged as a miss")
		}
		if p := ed.get("/redaktion?q=klasse&side=99"); p.doc.Find("tbody tr").Length() == 0 {
			t.Error("a page past the end of the workspace search shows nothing")
		}

		if home := c.get("/"); home.doc.Find(`form[role=search][action="/materialer"] input[name=q]`).Length() != 1 {
			t.Error("the front page has no search box")
		}
		// Clearing the filters keeps the search; a search that found
		// nothing says so, not that a filter is to blame.
		if p := c.get("/materialer?q=trivsel&type=artikel"); p.attr(".filter-actions a", "href") !=
			"/materialer?q=trivsel" {
			t.Errorf("clear filters: %q", p.attr(".filter-actions a", "href"))
		}
		if p := c.get("/materialer?q=xyzqw&type=film"); !strings.Contains(p.text(".empty"), "Søgningen fandt ingen") {
			t.Errorf("a search that found nothing, with a filter: %q", p.text(".empty"))
		}

		// Editors delete a logged query; readers cannot.
		if c.post("/redaktion/soegninger", url.Values{"all": {"1"}}).status != http.StatusForbidden {
			t.Error("a reader deleted the logged searches")
		}
		misses := ed.get("/redaktion/soegninger")
		if p := ed.post("/redaktion/soegninger", url.Values{"csrf": {misses.attr("input[name=csrf]", "value")},
			"query": {"tirvselx"}}); p.status != http.StatusSeeOther {
			t.Errorf("delete a logged search: %d", p.status)
		}
		if misses := ed.get("/redaktion/soegninger"); strings.Contains(misses.text("main table"), "tirvselx") {
			t.Error("a deleted search is still listed")
		}
	})
}

// TestFullMissedSearchListSaysSo: when storage.MaxMissedSearches queries
// are kept, a new search that found nothing is not added, and the editors'
// page says the list is full and why, in Danish with the number grouped.
func TestFullMissedSearchListSaysSo(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		ed, _ := h.login(storage.RoleEditor)
		if text := ed.get("/redaktion/soegninger").text("main"); strings.Contains(text, "Listen er fuld") {
			t.Errorf("an empty list is said to be full: %q", text)
		}
		flood := map[string]int{}
		for i := range storage.MaxMissedSearches {
			flood[fmt.Sprintf("zq%dxw", i%1000)+strings.Repeat("k", i/1000)] = 1
		}
		if _, err := h.st.LogMissedSearches(ctx, flood); err != nil {
			t.Fatal(err)
		}
		h.client().get("/materialer?q=tirvselx")
		h.web.FlushCounts(ctx)
		p := ed.get("/redaktion/soegninger")
		if got := p.text(".notice"); !strings.Contains(got, "Listen er fuld: der gemmes højst 10.000 forskellige") {
			t.Errorf("a full list: notice %q", got)
		}
		if n, err := h.st.CountMissedSearches(ctx); err != nil || n != storage.MaxMissedSearches {
			t.Errorf("%d searches kept (%v), want %d", n, err, storage.MaxMissedSearches)
		}
		if misses, err := h.st.MissedSearches(ctx, storage.MaxMissedSearches+1); err != nil ||
			slices.ContainsFunc(misses, func(m storage.MissedSearch) bool { return m.Query == "tirvselx" }) {
			t.Errorf("a new search was added to a full list (%v)", err)
		}
	})
}

func TestRelatedWithoutThemesByWords(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		a := h.publish(&material.Material{Title: "Madpakker til turen"})
		h.publish(&material.Material{Title: "Sunde madpakker"})
		h.publish(&material.Material{Title: "Skolebestyrelsen"})
		p := h.client().get("/materialer/" + a.Slug)
		if got := p.text(".related"); !strings.Contains(got, "Sunde madpakker") || strings.Contains(got,
			"Skolebestyrelsen") ||
			strings.Contains(got, "Madpakker til turen") {
			t.Errorf("related: %q", got)
		}
	})
}
