package web_test

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/web"
)

type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func getSitemap(t *testing.T, c *client, path string) sitemapDoc {
	t.Helper()
	p := c.get(path)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("GET %s: %d %q", path, p.status, p.header.Get("Content-Type"))
	}
	var doc sitemapDoc
	dec := xml.NewDecoder(strings.NewReader(p.body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if doc.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Errorf("GET %s: namespace %q", path, doc.XMLName.Space)
	}
	return doc
}

func TestSitemapListsThePublicPages(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		c := h.client()
		doc := getSitemap(t, c, "/sitemap.xml")
		if doc.XMLName.Local != "urlset" {
			t.Fatalf("root %q", doc.XMLName.Local)
		}
		got := map[string]string{}
		var locs []string
		for _, u := range doc.URLs {
			got[u.Loc] = u.LastMod
			locs = append(locs, u.Loc)
			if u.LastMod != "" {
				if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
					t.Errorf("%s: lastmod %q", u.Loc, u.LastMod)
				}
			}
			if strings.Contains(u.Loc, "/redaktion") || !strings.HasPrefix(u.Loc, site+"/") {
				t.Errorf("sitemap lists %s", u.Loc)
			}
		}
		article, err := h.st.GetMaterial(ctx, fx.article.ID)
		if err != nil {
			t.Fatal(err)
		}
		articleDate := article.UpdatedAt.UTC().Format(time.RFC3339)
		for loc, lastmod := range map[string]string{
			site + "/":                              "*",
			site + "/materialer":                    "*",
			site + "/temaer":                        "*",
			site + "/temaer/trivsel":                articleDate,
			site + "/skoler":                        "*",
			site + "/skoler/nordskolen":             articleDate,
			site + "/om":                            "",
			site + "/tilgaengelighed":               "",
			site + "/privatliv":                     "",
			site + "/materialer/" + fx.article.Slug: articleDate,
			site + "/materialer/" + fx.film.Slug:    "*",
			site + "/materialer/" + fx.guide.Slug:   "*",
			site + "/materialer/" + fx.link.Slug:    "*",
		} {
			have, ok := got[loc]
			switch {
			case !ok:
				t.Errorf("sitemap lacks %s", loc)
			case lastmod == "*" && have == "", lastmod != "*" && have != lastmod:
				t.Errorf("%s: lastmod %q, want %q", loc, have, lastmod)
			}
		}
		if _, ok := got[site+"/materialer/"+fx.draft.Slug]; ok {
			t.Error("sitemap lists a draft")
		}
		if len(got) != len(doc.URLs) {
			t.Error("sitemap lists an address twice")
		}

		// More addresses than one file may hold: an index of parts that
		// together list the same addresses.
		defer web.SetSitemapMax(h.web, 5)()
		idx := getSitemap(t, c, "/sitemap.xml")
		if idx.XMLName.Local != "sitemapindex" || len(idx.Sitemaps) != (len(locs)+4)/5 {
			t.Fatalf("index: %q with %d parts for %d addresses", idx.XMLName.Local, len(idx.Sitemaps), len(locs))
		}
		var joined []string
		for _, part := range idx.Sitemaps {
			if !strings.HasPrefix(part.Loc, site+"/sitemap.xml?del=") || part.LastMod == "" {
				t.Errorf("part %+v", part)
			}
			for _, u := range getSitemap(t, c, strings.TrimPrefix(part.Loc, site)).URLs {
				joined = append(joined, u.Loc)
			}
		}
		if !slices.Equal(joined, locs) {
			t.Errorf("the parts list %q, want %q", joined, locs)
		}
		for _, path := range []string{"/sitemap.xml?del=0", "/sitemap.xml?del=99", "/sitemap.xml?del=x",
			"/sitemap.xml?del=-1"} {
			if p := c.get(path); p.status != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
	})
}

func TestRobotsKeepCrawlersOutOfTheWorkspace(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		c := h.client()
		p := c.get("/robots.txt")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("robots.txt: %d %q", p.status, p.header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSpace(p.body), "\n")
		for _, want := range []string{"User-agent: *", "Allow: /", "Disallow: /redaktion",
			"Sitemap: " + site + "/sitemap.xml"} {
			if !slices.Contains(lines, want) {
				t.Errorf("robots.txt lacks %q:\n%s", want, p.body)
			}
		}
		if p.header.Get("Set-Cookie") != "" {
			t.Error("robots.txt sets a cookie")
		}
		req, _ := http.NewRequest("GET", h.srv.URL+"/robots.txt", nil)
		req.Header.Set("If-None-Match", p.header.Get("ETag"))
		if again := c.do(req); again.status != http.StatusNotModified {
			t.Errorf("robots.txt with its ETag: %d", again.status)
		}
	})
}
