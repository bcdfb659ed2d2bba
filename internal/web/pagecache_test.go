package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// raw fetches path with the given request headers and without the
// client's transparent decompression.
func (h *hubT) raw(method, path string, header ...string) (*http.Response, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return res, b
}

// decoded is a response body decoded by its Content-Encoding.
func decoded(t *testing.T, res *http.Response, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc := res.Header.Get("Content-Encoding"); enc {
	case "":
		return b
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	default:
		t.Fatalf("Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCachedPagesFollowEveryChange warms every page that shows a
// material, then publishes, edits through an approved pending version,
// renames a theme, withdraws a picture and unpublishes, and checks after
// each change that every page shows it at once.
func TestCachedPagesFollowEveryChange(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		th := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := h.st.SaveTheme(ctx, &th); err != nil {
			t.Fatal(err)
		}
		sc := storage.School{Slug: "nordskolen", Name: "Nordskolen"}
		if err := h.st.CreateSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		key := "00aa11bb22cc33dd.png"
		if _, err := h.blobs.Put(ctx, key, bytes.NewReader(pngBytes(t, 8, 6))); err != nil {
			t.Fatal(err)
		}
		img := storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: 10, Width: 8, Height: 6}
		if err := h.st.CreateMedia(ctx, &img); err != nil {
			t.Fatal(err)
		}
		first := h.publish(&material.Material{Title: "Første materiale", ThemeIDs: []int64{th.ID},
			SchoolID: sc.ID, CoverID: img.ID, CoverAlt: "Et billede", PublishedAt: time.Now().Add(-time.Hour)})
		lists := []string{"/", "/materialer", "/temaer/trivsel", "/skoler/nordskolen", "/feed/rss",
			"/feed/json", "/indlejr/liste"}
		anon := h.client()
		shows := func(what, path, text string, want bool) {
			t.Helper()
			p := anon.get(path)
			if want && p.status != http.StatusOK {
				t.Errorf("%s: GET %s: status %d", what, path, p.status)
			}
			if strings.Contains(p.body, text) != want {
				t.Errorf("%s: GET %s shows %q = %v, want %v", what, path, text, !want, want)
			}
		}
		for _, p := range append(lists, "/sitemap.xml", "/materialer/"+first.Slug, "/temaer") {
			shows("warming", p, "Første materiale", p != "/sitemap.xml" && p != "/temaer")
		}

		// A publish.
		second := h.publish(&material.Material{Title: "Nyt om trivsel", ThemeIDs: []int64{th.ID},
			SchoolID: sc.ID, PublishedAt: time.Now()})
		for _, p := range lists {
			shows("published", p, "Nyt om trivsel", true)
		}
		shows("published", "/sitemap.xml", "/materialer/"+second.Slug, true)

		// An edit of the published material, waiting for approval and then
		// approved.
		edit := "/redaktion/materialer/" + strconv.FormatInt(second.ID, 10)
		ed, csrf := h.login(storage.RoleEditor)
		fields := append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Rettet overskrift"},
			{"summary", "Et kort resumé."}, {"body", "Ny tekst."}, {"audiences", "parents"},
			{"language", "da"}, {"themes", strconv.FormatInt(th.ID, 10)},
			{"school", strconv.FormatInt(sc.ID, 10)}}, consentFields()...)
		if p := ed.move(edit, fields, "save"); p.status != http.StatusSeeOther {
			t.Fatalf("save pending: %d", p.status)
		}
		shows("pending", "/materialer/"+second.Slug, "Rettet overskrift", false)
		for _, step := range []string{"submit", "approve"} {
			if p := ed.move(edit, fields, step); p.status != http.StatusSeeOther {
				t.Fatalf("%s pending: %d %s", step, p.status, p.text(".problem"))
			}
		}
		edited, err := h.st.GetMaterial(ctx, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range append(lists, "/materialer/"+edited.Slug) {
			shows("approved edit", p, "Rettet overskrift", true)
			shows("approved edit", p, "Nyt om trivsel", false)
		}

		// A theme renamed.
		if p := ed.post("/redaktion/temaer", url.Values{"csrf": {csrf}, "id": {strconv.FormatInt(th.ID, 10)},
			"name": {"Trivsel og fællesskab"}, "slug": {"trivsel"}}); p.status != http.StatusSeeOther {
			t.Fatalf("rename theme: %d %s", p.status, p.text(".problem"))
		}
		for _, p := range []string{"/", "/temaer", "/temaer/trivsel", "/materialer", "/materialer/" + first.Slug,
			"/feed/rss"} {
			shows("theme renamed", p, "Trivsel og fællesskab", true)
		}

		// A picture withdrawn (its consent taken back).
		for _, p := range []string{"/", "/materialer", "/temaer/trivsel", "/skoler/nordskolen",
			"/materialer/" + first.Slug} {
			shows("before withdrawing", p, "/media/"+key, true)
		}
		if p := ed.post("/redaktion/medier/"+key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"material": {strconv.FormatInt(first.ID, 10)}, "confirm": {"on"}}); p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		for _, p := range append(lists, "/materialer/"+first.Slug) {
			shows("withdrawn", p, "/media/"+key, false)
		}

		// An unpublish.
		edited.Status = material.Draft
		if err := h.st.UpdateMaterial(ctx, edited); err != nil {
			t.Fatal(err)
		}
		for _, p := range lists {
			shows("unpublished", p, "Rettet overskrift", false)
		}
		shows("unpublished", "/sitemap.xml", "/materialer/"+edited.Slug, false)
		if p := anon.get("/materialer/" + edited.Slug); p.status != http.StatusNotFound {
			t.Errorf("unpublished material: status %d", p.status)
		}
	})
}

// TestCachedPagesAreTheSameForEveryone: a logged-in editor and a reader
// without cookies get the same bytes, compressed alike, with one ETag.
func TestCachedPagesAreTheSameForEveryone(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Ens for alle"})
		ed, _ := h.login(storage.RoleEditor)
		u, _ := url.Parse(h.srv.URL)
		var cookies []string
		for _, c := range ed.http.Jar.Cookies(u) {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		if len(cookies) == 0 {
			t.Fatal("the editor has no cookie")
		}
		for _, path := range []string{"/", "/materialer/" + m.Slug, "/materialer?q=ens", "/feed/atom"} {
			r1, b1 := h.raw("GET", path, "Accept-Encoding", "gzip, br")
			r2, b2 := h.raw("GET", path, "Accept-Encoding", "gzip, br", "Cookie", strings.Join(cookies, "; "))
			if r1.StatusCode != http.StatusOK || !bytes.Equal(b1, b2) {
				t.Errorf("GET %s: status %d, %d and %d bytes, same = %v", path, r1.StatusCode, len(b1), len(b2),
					bytes.Equal(b1, b2))
			}
			if e1, e2 := r1.Header.Get("ETag"), r2.Header.Get("ETag"); e1 == "" || e1 != e2 {
				t.Errorf("GET %s: ETags %q and %q", path, e1, e2)
			}
			if r2.Header.Get("Set-Cookie") != "" {
				t.Errorf("GET %s sets a cookie", path)
			}
		}
	})
}

// TestCachedPagesNegotiateEncodingAndRevalidate: brotli, gzip and none
// decode to the same bytes; the ETag gives 304 until the page changes.
func TestCachedPagesNegotiateEncodingAndRevalidate(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Komprimeret side", Body: strings.Repeat("Tekst. ", 500)})
		path := "/materialer/" + m.Slug
		var plain []byte
		for _, tt := range []struct{ accept, want string }{
			{"", ""},
			{"identity", ""},
			{"gzip, deflate, br", "br"},
			{"gzip", "gzip"},
			{"br;q=0.5, gzip;q=0.8", "gzip"},
			{"br;q=0, gzip", "gzip"},
			{"gzip;q=0, br;q=0", ""},
			{"*", "br"},
			{"*;q=0.1, gzip", "gzip"},
			{"deflate", ""},
		} {
			res, b := h.raw("GET", path, "Accept-Encoding", tt.accept)
			if got := res.Header.Get("Content-Encoding"); res.StatusCode != http.StatusOK || got != tt.want {
				t.Errorf("Accept-Encoding %q: status %d, Content-Encoding %q, want %q", tt.accept, res.StatusCode,
					got, tt.want)
				continue
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Accept-Encoding %q: Vary %q", tt.accept, res.Header.Get("Vary"))
			}
			if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n != len(b) {
				t.Errorf("Accept-Encoding %q: Content-Length %d for %d bytes", tt.accept, n, len(b))
			}
			body := decoded(t, res, b)
			if plain == nil {
				plain = body
				if !bytes.Contains(plain, []byte("Komprimeret side")) {
					t.Fatal("the page does not show its material")
				}
			} else if !bytes.Equal(body, plain) {
				t.Errorf("Accept-Encoding %q: decodes to other bytes", tt.accept)
			}
			if tt.want != "" && len(b) >= len(plain)/3 {
				t.Errorf("%s: %d bytes of %d", tt.want, len(b), len(plain))
			}
		}

		res, _ := h.raw("GET", path, "Accept-Encoding", "br")
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("ETag %q, Cache-Control %q", etag, res.Header.Get("Cache-Control"))
		}
		// Each encoding has its own tag, and only the tag of the bytes to be
		// sent makes a 304 (weakly compared): a reader holding the brotli
		// bytes who now takes only gzip is sent them in full.
		for _, enc := range []string{"br", "gzip", ""} {
			res, _ := h.raw("GET", path, "Accept-Encoding", enc)
			own := res.Header.Get("ETag")
			for _, held := range []string{own, "W/" + own, `"x", ` + etag} {
				res, b := h.raw("GET", path, "Accept-Encoding", enc, "If-None-Match", held)
				if want := own == etag || held != `"x", `+etag; (res.StatusCode == http.StatusNotModified) != want ||
					res.Header.Get("ETag") != own {
					t.Errorf("Accept-Encoding %q, If-None-Match %s: status %d, ETag %q, %d bytes", enc, held,
						res.StatusCode, res.Header.Get("ETag"), len(b))
				}
			}
			if enc != "br" && own == etag {
				t.Errorf("Accept-Encoding %q has the brotli bytes' tag %s", enc, own)
			}
		}
		if res, b := h.raw("HEAD", path, "Accept-Encoding", "br"); res.StatusCode != http.StatusOK || len(b) != 0 ||
			res.Header.Get("ETag") != etag {
			t.Errorf("HEAD: status %d, %d bytes, ETag %q", res.StatusCode, len(b), res.Header.Get("ETag"))
		}

		m.Body = "Komprimeret side, rettet"
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		res, b := h.raw("GET", path, "Accept-Encoding", "br", "If-None-Match", etag)
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag ||
			!bytes.Contains(decoded(t, res, b), []byte("Komprimeret side, rettet")) {
			t.Errorf("after an edit: status %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
		}
	})
}

// TestCachedMaterialPageCountsTaggedVisits: every tagged visit counts,
// whether the page was kept or rendered; untagged ones and HEAD do not.
func TestCachedMaterialPageCountsTaggedVisits(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Delt på Aula"})
		c := h.client()
		for _, path := range []string{"", "?k=aula", "?k=aula", "?k=aula&utm_source=x", "?k=nyhedsbrev"} {
			if p := c.get("/materialer/" + m.Slug + path); p.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, p.status)
			}
		}
		h.raw("HEAD", "/materialer/"+m.Slug+"?k=aula")
		h.web.FlushCounts(ctx)
		day := time.Now().In(time.FixedZone("", 0)).AddDate(0, 0, -2).Format(time.DateOnly)
		later := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		visits, err := h.st.MaterialVisits(ctx, m.ID, day, later)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, v := range visits {
			got[v.Channel] += v.Visits
		}
		if got["aula"] != 3 || got["nyhedsbrev"] != 1 || len(got) != 2 {
			t.Errorf("visits %v, want aula 3 and nyhedsbrev 1", got)
		}
		if _, fills := web.PageCacheStats(h.web); fills != 1 {
			t.Errorf("%d renderings of one page, want 1", fills)
		}
	})
}

// TestCachedSearchLogsEveryMiss: a search that finds nothing is logged on
// every request, kept or not.
func TestCachedSearchLogsEveryMiss(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Title: "Noget helt andet"})
		c := h.client()
		for range 3 {
			if p := c.get("/materialer?q=zebrafinke"); p.status != http.StatusOK {
				t.Fatalf("search: %d", p.status)
			}
		}
		h.web.FlushCounts(ctx)
		misses, err := h.st.MissedSearches(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(misses) != 1 || misses[0].Query != "zebrafinke" || misses[0].Count != 3 {
			t.Errorf("missed searches %+v, want zebrafinke 3 times", misses)
		}
	})
}

// TestPageCacheStaysWithinItsBound: many distinct searches and tracking
// tags keep the cache within its bytes, and the pages without a query
// stay kept.
func TestPageCacheStaysWithinItsBound(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		const bound = 256 << 10
		h := newHubWith(t, st, web.Config{PageCacheBytes: bound})
		w := h.web
		for i := range 12 {
			h.publish(&material.Material{Title: fmt.Sprintf("Materiale nummer %d", i)})
		}
		c := h.client()
		c.get("/")
		_, fills := web.PageCacheStats(w)
		for i := range 300 {
			if p := c.get(fmt.Sprintf("/materialer?q=ord%d&side=%d", i, i%3)); p.status != http.StatusOK {
				t.Fatalf("search %d: %d", i, p.status)
			}
			if size, _ := web.PageCacheStats(w); size > bound {
				t.Fatalf("after %d searches the cache keeps %d bytes, over %d", i+1, size, bound)
			}
		}
		_, after := web.PageCacheStats(w)
		if after-fills != 300 {
			t.Errorf("%d renderings for 300 searches", after-fills)
		}
		c.get("/?utm_source=facebook&fbclid=abc")
		c.get("/")
		if _, last := web.PageCacheStats(w); last != after {
			t.Errorf("the front page was rendered again (%d renderings) after the searches", last-after)
		}
	})
}

// TestConcurrentReadersShareOneRendering: many readers asking at once for
// a page that is not kept get the same bytes from one rendering.
func TestConcurrentReadersShareOneRendering(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Alle på én gang"})
		_, before := web.PageCacheStats(h.web)
		var wg sync.WaitGroup
		bodies := make([][]byte, 40)
		for i := range bodies {
			wg.Go(func() {
				res, b := h.raw("GET", "/materialer/"+m.Slug, "Accept-Encoding", "br")
				if res.StatusCode == http.StatusOK {
					bodies[i] = b
				}
			})
		}
		wg.Wait()
		for i, b := range bodies {
			if b == nil || !bytes.Equal(b, bodies[0]) {
				t.Fatalf("reader %d got other bytes", i)
			}
		}
		if _, after := web.PageCacheStats(h.web); after-before != 1 {
			t.Errorf("%d renderings for 40 readers", after-before)
		}
	})
}

// TestStaticFilesAreServedCompressed: once compressed, a static file comes
// as brotli or gzip by what the reader takes, with its ETag and 304.
func TestStaticFilesAreServedCompressed(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		<-web.AssetsCompressed()
		href := h.client().get("/").attr("script[src]", "src")
		_, plain := h.raw("GET", href)
		for _, enc := range []string{"br", "gzip"} {
			res, b := h.raw("GET", href, "Accept-Encoding", enc)
			if res.Header.Get("Content-Encoding") != enc || !bytes.Equal(decoded(t, res, b), plain) ||
				!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s: Content-Encoding %q, Cache-Control %q", enc, res.Header.Get("Content-Encoding"),
					res.Header.Get("Cache-Control"))
			}
			res, b = h.raw("GET", href, "Accept-Encoding", enc, "If-None-Match", res.Header.Get("ETag"))
			if res.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("%s with its ETag: %d", enc, res.StatusCode)
			}
		}
	})
}

// TestMediaRevalidateByKey: a public file has its key as ETag and answers
// 304; withdrawn, it is gone even for a reader who has it.
func TestMediaRevalidateByKey(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		key := "0a1b2c3d4e5f6a7b.png"
		if _, err := h.blobs.Put(ctx, key, bytes.NewReader(pngBytes(t, 4, 4))); err != nil {
			t.Fatal(err)
		}
		img := storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: 10, Width: 4, Height: 4}
		if err := h.st.CreateMedia(ctx, &img); err != nil {
			t.Fatal(err)
		}
		m := h.publish(&material.Material{Title: "Med billede", CoverID: img.ID, CoverAlt: "Et billede"})
		res, _ := h.raw("GET", "/media/"+key)
		if res.Header.Get("ETag") != `"`+key+`"` || res.Header.Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("ETag %q, Cache-Control %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
		}
		if res, _ := h.raw("GET", "/media/"+key, "If-None-Match", `"`+key+`"`); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", res.StatusCode)
		}
		ed, csrf := h.login(storage.RoleEditor)
		if p := ed.post("/redaktion/medier/"+key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"material": {strconv.FormatInt(m.ID, 10)}, "confirm": {"on"}}); p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		if res, _ := h.raw("GET", "/media/"+key, "If-None-Match", `"`+key+`"`); res.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawn, with its ETag: %d", res.StatusCode)
		}
	})
}

// TestUnreadParametersShareTheKeptPage: a parameter a page does not read
// neither renders it again nor makes a new entry, on every kind of kept
// page; one it reads does.
func TestUnreadParametersShareTheKeptPage(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Ét materiale", Body: "Tekst."})
		oembed := "/oembed?" + url.Values{"url": {h.srv.URL + "/materialer/" + m.Slug}}.Encode()
		for _, path := range []string{"/", "/materialer", "/materialer?q=materiale&type=artikel",
			"/materialer/" + m.Slug, "/materialer/" + m.Slug + "?video=vis", "/materialer/" + m.Slug + "/udskriv",
			"/temaer", "/skoler", "/om", "/feed/rss", "/feed/json?tekst=fuld", "/sitemap.xml", "/robots.txt",
			oembed, "/indlejr/materialer/" + m.Slug, "/indlejr/liste?antal=3"} {
			res, want := h.raw("GET", path, "Accept-Encoding", "br")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			_, fills := web.PageCacheStats(h.web)
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			for i := range 5 {
				other := fmt.Sprintf("%s%sx=%d&side%d=2&%%zz", path, sep, i, i)
				res, b := h.raw("GET", other, "Accept-Encoding", "br")
				if res.StatusCode != http.StatusOK || !bytes.Equal(b, want) {
					t.Errorf("GET %s: %d, other bytes than %s", other, res.StatusCode, path)
				}
			}
			if _, after := web.PageCacheStats(h.web); after != fills {
				t.Errorf("%s with parameters it does not read: %d renderings", path, after-fills)
			}
		}
		_, fills := web.PageCacheStats(h.web)
		h.raw("GET", "/materialer?q=andet&x=1")
		if _, after := web.PageCacheStats(h.web); after != fills+1 {
			t.Errorf("a new search: %d renderings, want 1", after-fills)
		}
	})
}

// TestKeptPagesStillRefuse: a kept page does not answer a query its route
// refuses, nor an old address on the front page.
func TestKeptPagesStillRefuse(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		pub, _ := h.importSample(t)
		for _, path := range []string{"/", "/feed/rss", "/feed/atom?type=artikel", "/sitemap.xml"} {
			if res, _ := h.raw("GET", path); res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
		}
		oembed := "/oembed?" + url.Values{"url": {h.srv.URL + "/materialer/" + pub.Slug}}.Encode()
		for _, tt := range []struct {
			path string
			want int
		}{
			{"/?p=123", http.StatusMovedPermanently},
			{"/feed/rss?q=trivsel", http.StatusBadRequest},
			{"/feed/rss?type=ukendt&x=1", http.StatusBadRequest},
			{"/feed/rss?tekst=alt", http.StatusBadRequest},
			{"/feed/atom?type=artikel&type=ukendt", http.StatusBadRequest},
			{"/sitemap.xml?del=2", http.StatusNotFound},
			{oembed + "&format=yaml", http.StatusNotImplemented},
			{oembed + "&maxwidth=x", http.StatusBadRequest},
		} {
			for range 2 {
				if res, _ := h.raw("GET", tt.path); res.StatusCode != tt.want {
					t.Errorf("GET %s: %d, want %d", tt.path, res.StatusCode, tt.want)
				}
			}
		}
	})
}

// TestRandomHostsAndQueriesKeepTheFrontPage: without a configured base
// URL, a flood of requests with random Host headers and random searches
// keeps the cache within its bound and the front page kept.
func TestRandomHostsAndQueriesKeepTheFrontPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		const bound = 256 << 10
		h := newHubWith(t, st, web.Config{PageCacheBytes: bound})
		w := h.web
		for i := range 12 {
			h.publish(&material.Material{Title: fmt.Sprintf("Materiale nummer %d", i)})
		}
		get := func(host, path string) {
			t.Helper()
			req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
			req.Host = host
			res, err := h.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s on %s: %d", path, host, res.StatusCode)
			}
		}
		canonical := strings.TrimPrefix(h.srv.URL, "http://")
		get(canonical, "/")
		get(canonical, "/materialer/materiale-nummer-3")
		_, fills := web.PageCacheStats(w)
		for i := range 300 {
			get(fmt.Sprintf("h%d.example", i), "/")
			get(fmt.Sprintf("h%d.example", i), "/materialer/materiale-nummer-3")
			get(canonical, fmt.Sprintf("/materialer?q=ord%d", i))
			if size, _ := web.PageCacheStats(w); size > bound {
				t.Fatalf("after %d rounds the cache keeps %d bytes, over %d", i+1, size, bound)
			}
		}
		_, after := web.PageCacheStats(w)
		if after-fills != 900 {
			t.Errorf("%d renderings for 900 new addresses", after-fills)
		}
		get(canonical, "/?x=1")
		get(canonical, "/")
		get(canonical, "/materialer/materiale-nummer-3")
		if _, last := web.PageCacheStats(w); last != after {
			t.Errorf("%d renderings of the canonical front page and material after the flood", last-after)
		}
	})
}

// TestOtherSpellingsKeepTheFrontPage: addresses without a query that
// answer with a kept page's bytes (the same path escaped another way, any
// old name of the stylesheet) make no entries of their own, so a flood of
// them neither grows the cache nor pushes the front page and the
// materials out of it.
func TestOtherSpellingsKeepTheFrontPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		const bound = 256 << 10
		base, _ := url.Parse("https://skoleoghjem.example")
		h := newHubWith(t, st, web.Config{PageCacheBytes: bound, BaseURL: base})
		w := h.web
		m := h.publish(&material.Material{Title: "Materiale til mange stavemåder"})
		get := func(path string) *http.Response {
			t.Helper()
			res, _ := h.raw("GET", path, "Accept-Encoding", "br")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			return res
		}
		get("/")
		get("/materialer/" + m.Slug)
		size0, before := web.PageCacheStats(w)
		for i := range 300 {
			// The material's path with the letters whose bit is set in i
			// percent-escaped: one page, 300 spellings.
			var b strings.Builder
			for j, c := range m.Slug {
				if j < 10 && i&(1<<j) != 0 {
					fmt.Fprintf(&b, "%%%02X", c)
				} else {
					b.WriteRune(c)
				}
			}
			get("/materialer/" + b.String())
		}
		if _, fills := web.PageCacheStats(w); fills != before {
			t.Errorf("%d renderings for other spellings of a kept material", fills-before)
		}
		for i := range 300 {
			res := get(fmt.Sprintf("/brand/site.old%d.css", i))
			if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=60" {
				t.Fatalf("an old stylesheet name has Cache-Control %q", cc)
			}
		}
		if size, _ := web.PageCacheStats(w); size != size0 {
			t.Errorf("the cache went from %d to %d bytes for other spellings of kept pages", size0, size)
		}
		_, after := web.PageCacheStats(w)
		get("/")
		get("/materialer/" + m.Slug)
		if _, last := web.PageCacheStats(w); last != after {
			t.Errorf("%d renderings of the front page and the material after the flood", last-after)
		}
	})
}
