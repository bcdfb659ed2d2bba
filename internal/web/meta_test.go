package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

const site = "https://skole.example.dk"

// meta reads a page's Open Graph or Twitter tag.
func (p page) meta(name string) string {
	if v, ok := p.doc.Find("meta[property='" + name + "']").Attr("content"); ok {
		return v
	}
	return p.attr("meta[name='"+name+"']", "content")
}

// jsonLD parses a page's one JSON-LD block.
func jsonLD(t *testing.T, path string, p page) map[string]any {
	t.Helper()
	blocks := p.doc.Find("script[type='application/ld+json']")
	if blocks.Length() != 1 {
		t.Fatalf("%s: %d JSON-LD blocks", path, blocks.Length())
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(blocks.Text()), &out); err != nil {
		t.Fatalf("%s: JSON-LD %q: %v", path, blocks.Text(), err)
	}
	if out["@context"] != "https://schema.org" {
		t.Errorf("%s: @context %v", path, out["@context"])
	}
	return out
}

// get reads a path of a JSON object, such as "caption.contentUrl".
func get(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// storeImage stores a PNG of w×h as a cover image in the media store.
func (h *hubT) storeImage(w, hgt int) storage.Media {
	h.t.Helper()
	data := pngBytes(h.t, w, hgt)
	sum := sha256.Sum256(data)
	m := storage.Media{Key: hex.EncodeToString(sum[:12]) + ".png", Class: "image", ContentType: "image/png",
		Size: int64(len(data)), Width: w, Height: hgt}
	if _, err := h.blobs.Put(ctx, m.Key, bytes.NewReader(data)); err != nil {
		h.t.Fatal(err)
	}
	if err := h.st.CreateMedia(ctx, &m); err != nil {
		h.t.Fatal(err)
	}
	return m
}

func TestMaterialPagesDescribeThemselves(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		captions := storage.Media{Key: "0123456789abcdef04.vtt", Class: "captions", ContentType: "text/vtt", Size: 90}
		poster := storage.Media{Key: "0123456789abcdef05.jpg", Class: "image", ContentType: "image/jpeg", Size: 9,
			Width: 640, Height: 360}
		for _, m := range []*storage.Media{&captions, &poster} {
			if err := h.st.CreateMedia(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		film := fx.film.Clone()
		film.CaptionsID, film.PosterID = captions.ID, poster.ID
		if err := h.st.UpdateMaterial(ctx, film); err != nil {
			t.Fatal(err)
		}
		youtube := h.publish(&material.Material{Kind: material.Film, Title: "Film fra YouTube",
			ExternalURL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", Transcript: "Tekst."})
		evil := h.publish(&material.Material{Title: `Slut</script><script>alert(1)</script> & "citat"`,
			Summary: `</script><b>fet</b> &amp; <!-- x -->`})
		c := h.client()

		for _, tt := range []struct {
			m      *material.Material
			typ    string
			checks map[string]any // JSON-LD path: value
		}{
			{fx.article, "Article", map[string]any{"headline": fx.article.Title, "keywords": "Trivsel",
				"author.name": "Nordskolen", "publisher.name": "Skole og hjem", "inLanguage": "da",
				"datePublished": "2025-03-01T08:00:00Z", "genre": "Artikel"}},
			{fx.guide, "Article", map[string]any{"headline": fx.guide.Title, "genre": "Vejledning"}},
			{film, "VideoObject", map[string]any{"name": film.Title, "transcript": "Hej og velkommen.",
				"contentUrl": site + "/media/" + fx.video.Key, "encodingFormat": "video/mp4",
				"caption.@type": "MediaObject", "caption.contentUrl": site + "/media/" + captions.Key,
				"caption.encodingFormat": "text/vtt", "caption.inLanguage": "da",
				"thumbnailUrl": site + "/media/" + poster.Key, "uploadDate": "2025-03-01T09:00:00Z"}},
			{youtube, "VideoObject", map[string]any{"embedUrl": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"}},
			{fx.link, "WebPage", map[string]any{"name": fx.link.Title, "relatedLink": fx.link.LinkURL,
				"mainEntity.url": fx.link.LinkURL, "mainEntity.publisher.name": "Skole og Forældre"}},
			{evil, "Article", map[string]any{"headline": evil.Title, "description": evil.Summary}},
		} {
			path := "/materialer/" + tt.m.Slug
			p := c.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, p.status)
			}
			checkPublicPage(t, path, p)
			canonical := site + path
			if got := p.attr("link[rel=canonical]", "href"); got != canonical {
				t.Errorf("%s: canonical %q", path, got)
			}
			image := p.meta("og:image")
			for name, want := range map[string]string{"og:type": "article", "og:url": canonical,
				"og:title": tt.m.Title, "og:description": tt.m.Summary, "og:site_name": "Skole og hjem",
				"og:locale": "da_DK", "og:image:width": "1200", "og:image:height": "630",
				"twitter:card": "summary_large_image", "twitter:title": tt.m.Title, "twitter:image": image} {
				if got := p.meta(name); got != want {
					t.Errorf("%s: %s %q, want %q", path, name, got, want)
				}
			}
			if !strings.HasPrefix(image, site+"/delingsbillede/") || p.meta("og:image:alt") == "" {
				t.Errorf("%s: og:image %q, alt %q", path, image, p.meta("og:image:alt"))
			}
			ld := jsonLD(t, path, p)
			if ld["@type"] != tt.typ || ld["url"] != canonical || get(ld, "image.url") != image ||
				get(ld, "image.width") != 1200.0 || ld["description"] != tt.m.Summary {
				t.Errorf("%s: JSON-LD %v", path, ld)
			}
			for k, want := range tt.checks {
				if got := get(ld, k); got != want {
					t.Errorf("%s: JSON-LD %s = %v, want %v", path, k, got, want)
				}
			}
		}

		guide := jsonLD(t, "guide", c.get("/materialer/"+fx.guide.Slug))
		files, _ := guide["associatedMedia"].([]any)
		if len(files) != 2 || get(files[0], "contentUrl") != site+"/media/"+fx.pdf1.Key ||
			get(files[0], "encodingFormat") != "application/pdf" || get(files[1], "name") != "Spørgsmål" {
			t.Errorf("guide's files in JSON-LD: %v", files)
		}
		if p := c.get("/materialer/" + film.Slug); p.meta("og:video") != site+"/media/"+fx.video.Key ||
			p.meta("og:video:type") != "video/mp4" {
			t.Errorf("film: og:video %q (%q)", p.meta("og:video"), p.meta("og:video:type"))
		}
		if p := c.get("/materialer/" + fx.article.Slug); p.meta("article:tag") != "Trivsel" ||
			p.meta("article:published_time") != "2025-03-01T08:00:00Z" {
			t.Errorf("article: tag %q, published %q", p.meta("article:tag"), p.meta("article:published_time"))
		}
		// The title cannot end the JSON-LD's element: one script, whose
		// text is the whole title.
		p := c.get("/materialer/" + evil.Slug)
		if n := p.doc.Find("script:not([src])").Length(); n != 1 || strings.Contains(p.body, "<script>alert") {
			t.Errorf("a title broke out of the JSON-LD: %d inline scripts", n)
		}
		if got := p.attr("link[rel=canonical]", "href"); got != site+"/materialer/"+evil.Slug {
			t.Errorf("canonical %q", got)
		}
		print := c.get("/materialer/" + fx.guide.Slug + "/udskriv")
		if got := print.attr("link[rel=canonical]", "href"); got != site+"/materialer/"+fx.guide.Slug {
			t.Errorf("print page: canonical %q", got)
		}
	})
}

func TestSitePagesHaveCanonicalAddresses(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		seedFeeds(t, h)
		c := h.client()
		for path, want := range map[string]string{
			"/":           "/",
			"/materialer": "/materialer",
			"/materialer?type=artikel&maalgruppe=foraeldre&side=1&utm_source=x": "/materialer?" +
				"maalgruppe=foraeldre&type=artikel",
			"/materialer?q=trivsel&type=nope":      "/materialer?q=trivsel",
			"/temaer":                              "/temaer",
			"/temaer/trivsel?tema=trivsel":         "/temaer/trivsel",
			"/temaer/trivsel?maalgruppe=foraeldre": "/temaer/trivsel?maalgruppe=foraeldre",
			"/skoler":                              "/skoler",
			"/skoler/nordskolen":                   "/skoler/nordskolen",
			"/om":                                  "/om",
			"/tilgaengelighed":                     "/tilgaengelighed",
			"/privatliv":                           "/privatliv",
		} {
			p := c.get(path)
			if got := p.attr("link[rel=canonical]", "href"); got != site+want {
				t.Errorf("%s: canonical %q, want %q", path, got, site+want)
			}
			if p.meta("og:url") != site+want || p.meta("og:type") != "website" || p.meta("og:title") == "" {
				t.Errorf("%s: og:url %q, og:type %q", path, p.meta("og:url"), p.meta("og:type"))
			}
			checkPublicPage(t, path, p)
		}
	})
}

// TestPublicPagesAreTheSameForEveryone requests pages as different
// readers would and requires the same bytes: nothing in a page, JSON-LD
// and share tags included, depends on who asks.
func TestPublicPagesAreTheSameForEveryone(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		fx := seedFeeds(t, h)
		editor, _ := h.login(storage.RoleEditor)
		for _, path := range []string{"/", "/materialer?type=film", "/materialer/" + fx.film.Slug,
			"/materialer/" + fx.guide.Slug, "/temaer/trivsel"} {
			first := h.client().get(path)
			req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
			req.Header.Set("User-Agent", "facebookexternalhit/1.1")
			req.Header.Set("Accept-Language", "en-GB,en")
			second := editor.do(req)
			if first.body != second.body {
				t.Errorf("%s: the page differs between readers", path)
			}
		}
	})
}

func TestShareImages(t *testing.T) {
	eachHubAt(t, site, func(t *testing.T, h *hubT) {
		c := h.client()
		m := h.publish(&material.Material{Title: "Det gode forældremøde"})
		p := c.get("/materialer/" + m.Slug)
		first := strings.TrimPrefix(p.meta("og:image"), site)
		img := getImage(t, c, first, "image/png")
		if p.meta("og:image:type") != "image/png" {
			t.Errorf("og:image:type %q", p.meta("og:image:type"))
		}
		if p.meta("og:image:alt") != "Kort med titlen »Det gode forældremøde« (Artikel)" {
			t.Errorf("og:image:alt %q", p.meta("og:image:alt"))
		}

		// A new title gives a new image under a new name; the old name
		// leads to the new one.
		edited := m.Clone()
		edited.Title = "Det gode forældremøde i 0. klasse"
		if err := h.st.UpdateMaterial(ctx, edited); err != nil {
			t.Fatal(err)
		}
		second := strings.TrimPrefix(c.get("/materialer/"+edited.Slug).meta("og:image"), site)
		if second == first {
			t.Fatalf("a new title kept the image's address %s", first)
		}
		img2 := getImage(t, c, second, "image/png")
		if bytes.Equal(img, img2) {
			t.Error("a new title gave the same image")
		}
		if old := c.get(first); old.status != http.StatusFound || old.header.Get("Location") != second {
			t.Errorf("old image address: %d to %q", old.status, old.header.Get("Location"))
		}
		// A change of brand colour draws it again, too.
		if err := h.st.PutSettings(ctx, map[string]string{"brand.colour": "#f2c14e"}); err != nil {
			t.Fatal(err)
		}
		if third := strings.TrimPrefix(c.get("/materialer/"+edited.Slug).meta("og:image"), site); third == second {
			t.Error("a new brand colour kept the image's address")
		}

		// A large cover is cropped; a small one gives way to a card.
		big := h.storeImage(1600, 900)
		small := h.storeImage(300, 200)
		withCover := h.publish(&material.Material{Title: "Med billede", CoverID: big.ID,
			CoverAlt: "Børn i en skolegård"})
		withSmall := h.publish(&material.Material{Title: "Med lille billede", CoverID: small.ID,
			CoverAlt: "Et lille billede"})
		p = c.get("/materialer/" + withCover.Slug)
		cropped := strings.TrimPrefix(p.meta("og:image"), site)
		getImage(t, c, cropped, "image/jpeg")
		if p.meta("og:image:alt") != "Børn i en skolegård" || p.meta("og:image:type") != "image/jpeg" {
			t.Errorf("cropped cover: alt %q, type %q", p.meta("og:image:alt"), p.meta("og:image:type"))
		}
		getImage(t, c, strings.TrimPrefix(c.get("/materialer/"+withSmall.Slug).meta("og:image"), site), "image/png")

		// Withdrawing the cover deletes its crop at once, and the page
		// shows a card instead.
		cropKey := sharePhotoKey(big.Key)
		if _, err := h.blobs.Open(ctx, cropKey); err != nil {
			t.Fatalf("the crop is not in the media store: %v", err)
		}
		editor, csrf := h.login(storage.RoleEditor)
		res := editor.post("/redaktion/medier/"+big.Key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"confirm": {"on"}, "material": {"0"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.status)
		}
		if _, err := h.blobs.Open(ctx, cropKey); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the crop of a withdrawn photo is still stored: %v", err)
		}
		if got := c.get(cropped); got.status != http.StatusFound ||
			!strings.HasSuffix(got.header.Get("Location"), ".png") {
			t.Errorf("the withdrawn crop's address: %d to %q", got.status, got.header.Get("Location"))
		}

		draft := &material.Material{Kind: material.Article, Title: "Kladde", Summary: "x", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		draftImage := "/delingsbillede/" + strconv.FormatInt(draft.ID, 10) + "-0123456789abcdef0123.png"
		for _, path := range []string{draftImage,
			"/delingsbillede/abc", "/delingsbillede/-1-x.png", "/delingsbillede/999999-x.png",
			"/delingsbillede/99999999999999999999999-x.png", "/delingsbillede/%ff"} {
			if got := c.get(path); got.status != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, got.status)
			}
		}
	})
}

// sharePhotoKey is where the hub keeps the crop of a stored photo: the
// hash of a fixed prefix and the photo's key.
func sharePhotoKey(photoKey string) string {
	sum := sha256.Sum256([]byte("share-photo-v1\x00" + photoKey))
	return "og" + hex.EncodeToString(sum[:20]) + ".jpg"
}

// getImage fetches a share image, checks its headers and decodes it to
// check its size.
func getImage(t *testing.T, c *client, path, typ string) []byte {
	t.Helper()
	p := c.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, p.status)
	}
	if got := p.header.Get("Content-Type"); got != typ {
		t.Errorf("GET %s: type %q, want %q", path, got, typ)
	}
	if cc := p.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s: Cache-Control %q", path, cc)
	}
	decode := png.Decode
	if typ == "image/jpeg" {
		decode = jpeg.Decode
	}
	img, err := decode(strings.NewReader(p.body))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if img.Bounds() != image.Rect(0, 0, 1200, 630) {
		t.Errorf("GET %s: size %v", path, img.Bounds())
	}
	return []byte(p.body)
}
