package web_test

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
	"github.com/mmcdole/gofeed"
)

// newHubAt is newHub with a configured public base URL, as --base-url
// gives it.
func newHubAt(t testing.TB, st *storage.Store, base string) *hubT {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return newHubWith(t, st, web.Config{BaseURL: u})
}

// feedFixture is a hub's published materials of every kind, with files,
// a theme and a school, and a draft that no feed may show.
type feedFixture struct {
	article, film, guide, link, draft *material.Material
	video, pdf1, pdf2                 storage.Media
}

func seedFeeds(t *testing.T, h *hubT) *feedFixture {
	t.Helper()
	th := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
	if err := h.st.SaveTheme(ctx, &th); err != nil {
		t.Fatal(err)
	}
	sc := storage.School{Slug: "nordskolen", Name: "Nordskolen"}
	if err := h.st.CreateSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	fx := &feedFixture{
		video: storage.Media{Key: "0123456789abcdef01.mp4", Class: "video", ContentType: "video/mp4", Size: 123456},
		pdf1: storage.Media{Key: "0123456789abcdef02.pdf", Class: "document", ContentType: "application/pdf",
			Size: 2048},
		pdf2: storage.Media{Key: "0123456789abcdef03.pdf", Class: "document", ContentType: "application/pdf",
			Size: 4096},
	}
	for _, m := range []*storage.Media{&fx.video, &fx.pdf1, &fx.pdf2} {
		if err := h.st.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	fx.article = h.publish(&material.Material{Title: "Trivsel & <fællesskab> i klassen", ThemeIDs: []int64{th.ID},
		SchoolID: sc.ID, GradeBands: []material.GradeBand{material.Grades0to3}, PublishedAt: day,
		Summary: "Sådan taler I om trivsel.",
		Body: "Læs [den anden side](/materialer/noget) og note[^1].\n\n<script>alert(1)</script>\n\n" +
			"[^1]: En fodnote."})
	fx.film = h.publish(&material.Material{Kind: material.Film, Title: "En kort film", VideoID: fx.video.ID,
		Transcript: "Hej og velkommen.", Body: "Om filmen.", PublishedAt: day.Add(time.Hour),
		Audiences: []material.Audience{material.Parents, material.Teachers}})
	fx.guide = h.publish(&material.Material{Kind: material.Guide, Title: "Tjekliste til samtalen", Body: "Brug den.",
		Attachments: []material.Attachment{{MediaID: fx.pdf1.ID, Title: "Tjekliste"},
			{MediaID: fx.pdf2.ID, Title: "Spørgsmål"}}, PublishedAt: day.Add(2 * time.Hour)})
	fx.link = h.publish(&material.Material{Kind: material.Link, Title: "Skole og Forældre",
		LinkURL: "https://skole-foraeldre.dk/viden", LinkPublisher: "Skole og Forældre", Body: "God viden.",
		Audiences: []material.Audience{material.SchoolBoard}, PublishedAt: day.Add(3 * time.Hour)})
	fx.draft = &material.Material{Kind: material.Article, Title: "Hemmelig kladde", Summary: "x",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Draft}
	if err := h.st.CreateMaterial(ctx, fx.draft); err != nil {
		t.Fatal(err)
	}
	return fx
}

// getFeed fetches a feed, checks that it is well-formed in its format and
// parses it with gofeed.
func getFeed(t *testing.T, c *client, path string) (*gofeed.Feed, page) {
	t.Helper()
	p := c.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, p.status, p.body)
	}
	if !strings.HasSuffix(path, "json") && !strings.Contains(path, "json?") {
		dec := xml.NewDecoder(strings.NewReader(p.body))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("GET %s: not well-formed XML: %v", path, err)
			}
		}
	}
	f, err := gofeed.NewParser().ParseString(p.body)
	if err != nil {
		t.Fatalf("GET %s: gofeed: %v\n%s", path, err, p.body)
	}
	return f, p
}

func itemTitles(f *gofeed.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return out
}

func itemByTitle(t *testing.T, f *gofeed.Feed, title string) *gofeed.Item {
	t.Helper()
	for _, it := range f.Items {
		if it.Title == title {
			return it
		}
	}
	t.Fatalf("%s: no item %q in %q", f.FeedType, title, itemTitles(f))
	return nil
}

// feedVariants are the light default and the full text of every feed.
var feedVariants = []struct {
	query string
	full  bool
}{{"", false}, {"?tekst=fuld", true}}

func TestFeedsCarryEveryPublishedMaterial(t *testing.T) {
	eachHubAt(t, "https://skole.example.dk", func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		c := h.client()
		for _, format := range []struct {
			path, typ, contentType string
			enclosures             int // of the guide, which has two files
		}{
			{"/feed/rss", "rss", "application/rss+xml; charset=utf-8", 1},
			{"/feed/atom", "atom", "application/atom+xml; charset=utf-8", 2},
			{"/feed/json", "json", "application/feed+json; charset=utf-8", 2},
		} {
			for _, v := range feedVariants {
				checkFeed(t, c, fx, format.path+v.query, format.typ, format.contentType, format.enclosures, v.full)
			}
		}
	})
}

// checkFeed checks a feed of the materials of seedFeeds: what every feed
// carries, and the sanitised full text with absolute addresses when full
// is set, or no body text at all when it is not.
func checkFeed(t *testing.T, c *client, fx *feedFixture, path, typ, contentType string, enclosures int,
	full bool) {
	t.Helper()
	const base = "https://skole.example.dk"
	f, p := getFeed(t, c, path)
	if f.FeedType != typ {
		t.Errorf("%s: parsed as %s", path, f.FeedType)
	}
	if got := p.header.Get("Content-Type"); got != contentType {
		t.Errorf("%s: content type %q", path, got)
	}
	want := []string{fx.link.Title, fx.guide.Title, fx.film.Title, fx.article.Title}
	if got := itemTitles(f); !slices.Equal(got, want) {
		t.Errorf("%s: items %q, want %q (newest first, no draft)", path, got, want)
	}
	if f.Link != base+"/materialer" || f.Language != "da" || f.Title != "Skole og hjem – Materialer" {
		t.Errorf("%s: link %q, language %q, title %q", path, f.Link, f.Language, f.Title)
	}
	if f.FeedLink != base+path {
		t.Errorf("%s: self link %q", path, f.FeedLink)
	}

	a := itemByTitle(t, f, fx.article.Title)
	if a.Link != base+"/materialer/"+fx.article.Slug {
		t.Errorf("%s: article link %q", path, a.Link)
	}
	wantID := "tag:skole.example.dk," + fx.article.CreatedAt.UTC().Format("2006-01-02") + ":materiale-" +
		strconv.FormatInt(fx.article.ID, 10)
	if a.GUID != wantID {
		t.Errorf("%s: id %q, want %q", path, a.GUID, wantID)
	}
	if a.Description != "Sådan taler I om trivsel." {
		t.Errorf("%s: summary %q", path, a.Description)
	}
	for _, cat := range []string{"Artikel", "Forældre", "Trivsel", "0.–3. klasse", "Nordskolen"} {
		if !slices.Contains(a.Categories, cat) {
			t.Errorf("%s: article categories %q lack %q", path, a.Categories, cat)
		}
	}
	if !a.PublishedParsed.Equal(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("%s: published %v", path, a.PublishedParsed)
	}
	if len(a.Authors) == 0 || a.Authors[0].Name != "Nordskolen" {
		t.Errorf("%s: authors %v", path, a.Authors)
	}
	if strings.Contains(p.body, "<script") || strings.Contains(p.body, "&lt;script") ||
		strings.Contains(p.body, `\u003cscript`) {
		t.Errorf("%s: the feed keeps a script:\n%s", path, p.body)
	}

	film := itemByTitle(t, f, fx.film.Title)
	if len(film.Enclosures) != 1 || film.Enclosures[0].URL != base+"/media/"+fx.video.Key ||
		film.Enclosures[0].Length != "123456" || film.Enclosures[0].Type != "video/mp4" {
		t.Errorf("%s: film enclosures %+v", path, film.Enclosures)
	}
	guide := itemByTitle(t, f, fx.guide.Title)
	if len(guide.Enclosures) != enclosures || guide.Enclosures[0].URL != base+"/media/"+fx.pdf1.Key ||
		guide.Enclosures[0].Length != "2048" || guide.Enclosures[0].Type != "application/pdf" {
		t.Errorf("%s: guide enclosures %+v", path, guide.Enclosures)
	}
	link := itemByTitle(t, f, fx.link.Title)

	if !full {
		// Only the summary: JSON Feed gives it as content_text, as every
		// item needs one; the other formats have no content.
		for _, it := range f.Items {
			if it.Content != "" && (typ != "json" || it.Content != it.Description) {
				t.Errorf("%s: %q has content %q", path, it.Title, it.Content)
			}
		}
		for _, body := range []string{"den anden side", "En fodnote.", "Hej og velkommen.", "Om filmen.",
			"Brug den.", "God viden."} {
			if strings.Contains(p.body, body) {
				t.Errorf("%s: the light feed carries the body text %q", path, body)
			}
		}
		return
	}
	for _, must := range []string{`href="` + base + `/materialer/noget"`,
		`href="` + base + `/materialer/` + fx.article.Slug + `#fn:1"`, "En fodnote."} {
		if !strings.Contains(a.Content, must) {
			t.Errorf("%s: content lacks %s:\n%s", path, must, a.Content)
		}
	}
	if strings.Contains(a.Content, "<script") || strings.Contains(a.Content, "alert(1)") {
		t.Errorf("%s: content keeps a script: %s", path, a.Content)
	}
	if !strings.Contains(film.Content, "Hej og velkommen.") {
		t.Errorf("%s: film content lacks the transcript: %s", path, film.Content)
	}
	if !strings.Contains(guide.Content, base+"/media/"+fx.pdf2.Key) {
		t.Errorf("%s: guide content does not link the second file: %s", path, guide.Content)
	}
	if !strings.Contains(link.Content, `href="https://skole-foraeldre.dk/viden"`) {
		t.Errorf("%s: link content lacks the resource: %s", path, link.Content)
	}
}

// eachHubAt runs fn on every backend with a fresh hub at a base URL.
func eachHubAt(t *testing.T, base string, fn func(t *testing.T, h *hubT)) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) { fn(t, newHubAt(t, st, base)) })
}

func TestFeedsFollowTheListingsFilters(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		c := h.client()
		for _, tt := range []struct {
			query string
			want  []string
			title string
		}{
			{"tema=trivsel", []string{fx.article.Title}, "Skole og hjem – Trivsel"},
			{"skole=nordskolen", []string{fx.article.Title}, "Skole og hjem – Nordskolen"},
			{"type=film&type=link", []string{fx.link.Title, fx.film.Title}, "Skole og hjem – Film, Links"},
			{"maalgruppe=skolebestyrelser&type=link", []string{fx.link.Title},
				"Skole og hjem – Links, Skolebestyrelser"},
			{"maalgruppe=foraeldre&klassetrin=0-3", []string{fx.article.Title},
				"Skole og hjem – Forældre, 0.–3. klasse"},
			{"maalgruppe=laerere&type=artikel", nil, "Skole og hjem – Artikler, Lærere"},
		} {
			for _, format := range []string{"rss", "atom", "json"} {
				for _, text := range []string{"", "&tekst=fuld"} {
					path := "/feed/" + format + "?" + tt.query + text
					f, _ := getFeed(t, c, path)
					if got := itemTitles(f); !slices.Equal(got, tt.want) {
						t.Errorf("%s: items %q, want %q", path, got, tt.want)
					}
					if f.Title != tt.title {
						t.Errorf("%s: title %q, want %q", path, f.Title, tt.title)
					}
					if !strings.HasSuffix(f.Link, "/materialer?"+canonicalQuery(tt.query)) {
						t.Errorf("%s: link %q", path, f.Link)
					}
					if !strings.HasSuffix(f.FeedLink, "/feed/"+format+"?"+canonicalQuery(tt.query+text)) {
						t.Errorf("%s: self link %q", path, f.FeedLink)
					}
					for _, it := range f.Items {
						if hasText := strings.Contains(it.Content, "<p>"); hasText != (text != "") {
							t.Errorf("%s: %q has content %q", path, it.Title, it.Content)
						}
					}
				}
			}
		}
	})
}

func canonicalQuery(q string) string {
	v, _ := url.ParseQuery(q)
	return v.Encode()
}

func TestFeedsRefuseUnknownFilters(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		seedFeeds(t, h)
		c := h.client()
		many := url.Values{}
		for i := 0; i < 21; i++ {
			many.Add("type", "artikel")
		}
		for _, tt := range []struct {
			query  string
			status int
			text   string
		}{
			{"type=podcast", 400, "Filteret type=podcast findes ikke."},
			{"klassetrin=10", 400, "Filteret klassetrin=10 findes ikke."},
			{"maalgruppe=foraeldre&type=%FF%FE", 400, "findes ikke"},
			{"tema=findes-ikke", 404, "Der er intet tema med adressen findes-ikke."},
			{"skole=findes-ikke", 404, "Der er ingen skole med adressen findes-ikke."},
			{"q=trivsel", 400, "Et feed kan ikke afgrænses med søgeord."},
			{many.Encode(), 400, "Der er valgt for mange værdier af type."},
			{"tekst=alt", 400, "Tekstvalget tekst=alt findes ikke. Skriv tekst=fuld for hele teksten"},
			{"tema=trivsel&tekst=FULD", 400, "Tekstvalget tekst=FULD findes ikke."},
			{"tekst=fuld&tekst=kort", 400, "Tekstvalget tekst=kort findes ikke."},
			{"tekst=fuld&type=podcast", 400, "Filteret type=podcast findes ikke."},
		} {
			for _, format := range []string{"rss", "atom", "json"} {
				path := "/feed/" + format + "?" + tt.query
				p := c.get(path)
				if p.status != tt.status {
					t.Errorf("GET %s: status %d, want %d", path, p.status, tt.status)
				}
				if !strings.Contains(p.text("main"), tt.text) {
					t.Errorf("GET %s: page says %q, want %q", path, p.text("main"), tt.text)
				}
				if p.attr("html", "lang") != "da" {
					t.Errorf("GET %s: not a Danish page", path)
				}
			}
		}
		// Other parameters, such as a campaign tag, are no filter and no
		// error.
		if f, _ := getFeed(t, c, "/feed/rss?utm_source=nyhedsbrev&side=2"); len(f.Items) != 4 {
			t.Errorf("a feed with unrelated parameters has %d items", len(f.Items))
		}
		// An empty value chooses nothing, as on the listing.
		if f, _ := getFeed(t, c, "/feed/rss?maalgruppe=&type="); len(f.Items) != 4 {
			t.Errorf("a feed with empty filter values has %d items", len(f.Items))
		}
		if f, _ := getFeed(t, c, "/feed/atom?tekst="); len(f.Items) != 4 || f.Items[0].Content != "" ||
			f.FeedLink != h.srv.URL+"/feed/atom" {
			t.Errorf("a feed with an empty tekst: %d items, content %q, self link %q", len(f.Items),
				f.Items[0].Content, f.FeedLink)
		}
	})
}

// TestFeedsCarryTheTwentyNewest: a feed carries the 20 newest materials
// of its filter, with or without their full text, and the page cache
// keeps the two apart.
func TestFeedsCarryTheTwentyNewest(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		day := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		var want []string
		for i := range 25 {
			m := h.publish(&material.Material{Title: "Materiale " + strconv.Itoa(i), PublishedAt: day.AddDate(0, 0, i),
				Summary: "Resumé " + strconv.Itoa(i) + ".", Body: "Brødtekst nummer " + strconv.Itoa(i) + "."})
			want = append([]string{m.Title}, want...)
		}
		want = want[:20]
		c := h.client()
		// The light feed first, so that the full one would come from the
		// page cache if its parameter were dropped from the cache's key,
		// and then each once more from the cache.
		for range 2 {
			for _, format := range []string{"rss", "atom", "json"} {
				for _, v := range feedVariants {
					path := "/feed/" + format + v.query
					f, p := getFeed(t, c, path)
					if got := itemTitles(f); !slices.Equal(got, want) {
						t.Errorf("%s: items %q, want the 20 newest %q", path, got, want)
					}
					if got := strings.Count(p.body, "Brødtekst nummer"); v.full && got != 20 || !v.full && got != 0 {
						t.Errorf("%s: the body text %d times", path, got)
					}
					if f.FeedLink != h.srv.URL+path {
						t.Errorf("%s: self link %q", path, f.FeedLink)
					}
					if p.header.Get("ETag") == "" {
						t.Errorf("%s: no ETag", path)
					}
				}
			}
		}
		light, full := c.get("/feed/rss"), c.get("/feed/rss?tekst=fuld")
		if light.header.Get("ETag") == full.header.Get("ETag") {
			t.Errorf("the light and the full feed share the ETag %s", light.header.Get("ETag"))
		}
	})
}

func TestFeedsAnswerConditionalRequests(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		c := h.client()
		for _, path := range []string{"/feed/rss", "/feed/atom", "/feed/json?tema=trivsel"} {
			first := c.get(path)
			etag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")
			if first.status != 200 || !strings.HasPrefix(etag, `"`) || modified == "" {
				t.Fatalf("GET %s: status %d, ETag %q, Last-Modified %q", path, first.status, etag, modified)
			}
			if cc := first.header.Get("Cache-Control"); cc != "public, max-age=600" {
				t.Errorf("GET %s: Cache-Control %q", path, cc)
			}
			if again := c.get(path); again.header.Get("ETag") != etag || again.body != first.body {
				t.Errorf("GET %s: a second request gave other bytes", path)
			}
			for _, hdr := range [][2]string{{"If-None-Match", etag}, {"If-None-Match", `"x", ` + etag}} {
				req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
				req.Header.Set(hdr[0], hdr[1])
				p := c.do(req)
				if p.status != http.StatusNotModified || p.body != "" {
					t.Errorf("GET %s with %s: status %d, %d bytes", path, hdr[0], p.status, len(p.body))
				}
			}
			req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
			req.Header.Set("If-None-Match", `"something-else"`)
			if p := c.do(req); p.status != http.StatusOK {
				t.Errorf("GET %s with another ETag: status %d", path, p.status)
			}
		}

		// An edit makes a new feed with a new ETag and a later date.
		before := c.get("/feed/atom")
		time.Sleep(1100 * time.Millisecond) // Last-Modified counts whole seconds
		edited := fx.article.Clone()
		edited.Title = "Trivsel i klassen, opdateret"
		if err := h.st.UpdateMaterial(ctx, edited); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", h.srv.URL+"/feed/atom", nil)
		req.Header.Set("If-None-Match", before.header.Get("ETag"))
		req.Header.Set("If-Modified-Since", before.header.Get("Last-Modified"))
		after := c.do(req)
		if after.status != http.StatusOK || after.header.Get("ETag") == before.header.Get("ETag") ||
			!strings.Contains(after.body, "Trivsel i klassen, opdateret") {
			t.Errorf("after an edit: status %d, ETag %q (was %q)", after.status, after.header.Get("ETag"),
				before.header.Get("ETag"))
		}
		if after.header.Get("Last-Modified") == before.header.Get("Last-Modified") {
			t.Errorf("after an edit: Last-Modified still %q", after.header.Get("Last-Modified"))
		}
	})
}

// TestFeedsRevalidateByTheirBytes: a change that leaves a feed's newest
// date as it was (an older material unpublished, a theme renamed) is not
// answered 304 to a reader that revalidates by date only; the ETag
// validates.
func TestFeedsRevalidateByTheirBytes(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		c := h.client()
		changes := []struct {
			name, gone string
			change     func()
		}{
			{"rename a theme", ">Trivsel<", func() {
				th, err := h.st.ThemeBySlug(ctx, "trivsel")
				if err != nil {
					t.Fatal(err)
				}
				th.Name = "Samvær"
				if err := h.st.SaveTheme(ctx, th); err != nil {
					t.Fatal(err)
				}
			}},
			{"unpublish the oldest material", "fællesskab", func() {
				fx.article.Status = material.Unpublished
				if err := h.st.SaveMaterial(ctx, fx.article, storage.Save{From: material.Published}); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, ch := range changes {
			before := c.get("/feed/rss")
			if before.status != http.StatusOK || !strings.Contains(before.body, ch.gone) {
				t.Fatalf("before %s: status %d, no %q", ch.name, before.status, ch.gone)
			}
			ch.change()
			for _, hdr := range [][2]string{{"If-Modified-Since", before.header.Get("Last-Modified")},
				{"If-None-Match", before.header.Get("ETag")}} {
				req, _ := http.NewRequest("GET", h.srv.URL+"/feed/rss", nil)
				req.Header.Set(hdr[0], hdr[1])
				if p := c.do(req); p.status != http.StatusOK || strings.Contains(p.body, ch.gone) {
					t.Errorf("after %s, with %s: status %d, still %q: %t", ch.name, hdr[0], p.status, ch.gone,
						strings.Contains(p.body, ch.gone))
				}
			}
		}
	})
}

func TestListingsOfferTheirFeeds(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		seedFeeds(t, h)
		c := h.client()
		for _, tt := range []struct{ path, query string }{
			{"/", ""},
			{"/materialer", ""},
			{"/materialer?type=artikel&maalgruppe=foraeldre&side=1", "?maalgruppe=foraeldre&type=artikel"},
			{"/temaer/trivsel", "?tema=trivsel"},
			{"/temaer/trivsel?maalgruppe=foraeldre", "?maalgruppe=foraeldre&tema=trivsel"},
			{"/skoler/nordskolen", "?skole=nordskolen"},
		} {
			p := c.get(tt.path)
			for _, f := range []struct{ typ, path string }{{"application/rss+xml", "/feed/rss"},
				{"application/atom+xml", "/feed/atom"}, {"application/feed+json", "/feed/json"}} {
				sel := "head link[rel=alternate][type='" + f.typ + "']"
				if href := p.attr(sel, "href"); href != f.path+tt.query {
					t.Errorf("%s: %s href %q, want %q", tt.path, f.typ, href, f.path+tt.query)
				}
				if p.attr(sel, "title") == "" {
					t.Errorf("%s: %s has no title", tt.path, f.typ)
				}
				// Every offered feed answers.
				if res := c.get(p.attr(sel, "href")); res.status != http.StatusOK {
					t.Errorf("%s: offered feed %s: %d", tt.path, p.attr(sel, "href"), res.status)
				}
			}
			if tt.path != "/" && p.doc.Find("p.feeds a[href='/feed/rss"+tt.query+"']").Length() != 1 {
				t.Errorf("%s: no visible link to the feed", tt.path)
			}
		}
	})
}

// BenchmarkFeed makes the feed of the 20 newest of 60 articles, light and
// with the full text, as a reader without a cached copy asks for it when
// the page cache does not have it either.
func BenchmarkFeed(b *testing.B) {
	h := newHubAt(b, storagetest.Open(b, storage.SQLite), "https://skole.example.dk")
	body := strings.Repeat("Et afsnit om samarbejdet mellem skole og hjem, med [et link](/materialer).\n\n", 40)
	for i := 0; i < 60; i++ {
		h.publish(&material.Material{Title: "Artikel nummer " + strconv.Itoa(i), Body: body})
	}
	for _, v := range feedVariants {
		name := "light"
		if v.full {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				web.DropPages(h.web)
				rec := httptest.NewRecorder()
				h.web.ServeHTTP(rec, httptest.NewRequest("GET", "/feed/atom"+v.query, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
