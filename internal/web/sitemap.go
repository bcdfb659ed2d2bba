package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// sitemapMax is how many addresses one sitemap file may hold
// (sitemaps.org allows 50,000); a hub with more gets a sitemap index.
var sitemapMax = 50000

// sitemapMaxAge is how long the sitemap and robots.txt may be cached.
const sitemapMaxAge = time.Hour

// sitemapURL is one address in a sitemap.
type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// sitemap lists the public pages that search engines should know: the
// front page, the listing, the themes and schools with their pages, the
// about and accessibility pages and every published material, each with
// the date its content last changed where the hub knows it. With more
// addresses than one file may hold it is an index of parts, ?del=1, 2, …
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	urls, err := s.sitemapURLs(r)
	if err != nil {
		return err
	}
	parts := (len(urls) + sitemapMax - 1) / sitemapMax
	var doc any = sitemapURLSet{NS: sitemapNS, URLs: urls}
	switch part := r.URL.Query().Get("del"); {
	case part != "":
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > parts || parts == 1 {
			return errNotFound
		}
		doc = sitemapURLSet{NS: sitemapNS, URLs: urls[(n-1)*sitemapMax : min(n*sitemapMax, len(urls))]}
	case parts > 1:
		idx := sitemapIndex{NS: sitemapNS}
		for n := 1; n <= parts; n++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: s.publicBase(r) + "/sitemap.xml?del=" +
				strconv.Itoa(n), LastMod: newest(urls[(n-1)*sitemapMax : min(n*sitemapMax, len(urls))])})
		}
		doc = idx
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("sitemap: %w", err)
	}
	buf.WriteByte('\n')
	serveCached(w, "application/xml; charset=utf-8", sitemapMaxAge, time.Time{}, buf.Bytes())
	return nil
}

// newest is the latest lastmod of urls; RFC 3339 dates in UTC sort as
// text.
func newest(urls []sitemapURL) string {
	out := ""
	for _, u := range urls {
		out = max(out, u.LastMod)
	}
	return out
}

func (s *Server) sitemapURLs(r *http.Request) ([]sitemapURL, error) {
	ctx := r.Context()
	pages, err := s.store.PublishedPages(ctx)
	if err != nil {
		return nil, err
	}
	facets, err := s.store.PublishedFacets(ctx)
	if err != nil {
		return nil, err
	}
	themes, err := s.store.Themes(ctx)
	if err != nil {
		return nil, err
	}
	schools, err := s.store.Schools(ctx)
	if err != nil {
		return nil, err
	}

	modified := make(map[int64]time.Time, len(pages))
	var all time.Time
	for _, p := range pages {
		modified[p.ID] = p.Modified
		all = later(all, p.Modified)
	}
	byTheme, bySchool := map[int64]time.Time{}, map[int64]time.Time{}
	for _, f := range facets.Facets() {
		for _, id := range f.ThemeIDs {
			byTheme[id] = later(byTheme[id], modified[f.ID])
		}
		if f.SchoolID != 0 {
			bySchool[f.SchoolID] = later(bySchool[f.SchoolID], modified[f.ID])
		}
	}

	base := s.publicBase(r)
	at := func(path string, t time.Time) sitemapURL {
		u := sitemapURL{Loc: base + path}
		if !t.IsZero() {
			u.LastMod = t.UTC().Format(time.RFC3339)
		}
		return u
	}
	urls := []sitemapURL{at("/", all), at("/materialer", all), at("/temaer", all)}
	for _, t := range themes {
		urls = append(urls, at("/temaer/"+t.Slug, byTheme[t.ID]))
	}
	urls = append(urls, at("/skoler", all))
	for _, sc := range schools {
		urls = append(urls, at("/skoler/"+sc.Slug, bySchool[sc.ID]))
	}
	urls = append(urls, at("/om", time.Time{}), at("/tilgaengelighed", time.Time{}),
		at("/privatliv", time.Time{}))
	for _, p := range pages {
		if material.ValidSlug(p.Slug) {
			urls = append(urls, at("/materialer/"+p.Slug, p.Modified))
		}
	}
	return urls, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// robots tells crawlers to keep out of the workspace and where the
// sitemap is.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	body := "User-agent: *\nAllow: /\nDisallow: /redaktion\n\nSitemap: " + s.publicBase(r) + "/sitemap.xml\n"
	serveCached(w, "text/plain; charset=utf-8", sitemapMaxAge, time.Time{}, []byte(body))
	return nil
}

// serveCached writes a generated file with how long it may be kept and
// when it last changed (a zero modified sends no Last-Modified). Its
// routes are in the page cache, which adds the ETag, answers 304 Not
// Modified and compresses.
func serveCached(w http.ResponseWriter, contentType string, maxAge time.Duration, modified time.Time,
	body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge.Seconds())))
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	_, _ = w.Write(body) // into the page cache's recorder
}
