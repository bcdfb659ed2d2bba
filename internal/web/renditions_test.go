package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// photo stores a w×h JPEG through the upload pipeline, records it and
// makes its renditions with the job runner.
func (h *hubT) photo(w, hgt int) (*storage.Media, []storage.Rendition) {
	t := h.t
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, hgt))
	for y := range hgt {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 120, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	p := &media.Processor{Blobs: h.blobs, Limits: media.DefaultLimits(), TempDir: t.TempDir()}
	info, err := p.Ingest(ctx, &buf, media.Image)
	if err != nil {
		t.Fatal(err)
	}
	m := &storage.Media{Key: info.Key, Class: string(info.Class), ContentType: info.ContentType, Size: info.Size,
		Width: info.Width, Height: info.Height, Name: "foto.jpg"}
	if err := h.st.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	r := &jobs.Runner{Store: h.st, Log: testLogger(t), Interval: time.Hour, Lease: time.Minute, Blobs: h.blobs}
	r.RunDue(ctx)
	rs, err := h.st.RenditionsOf(ctx, []int64{m.ID})
	if err != nil || len(rs[m.ID]) == 0 {
		t.Fatalf("no renditions: %v", err)
	}
	return m, rs[m.ID]
}

func TestRenditionsFollowTheOriginal(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		img, rs := h.photo(1000, 600)
		m := &material.Material{Kind: material.Article, Title: "Med foto", Summary: "Kort.", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}, CoverID: img.ID,
			CoverAlt: "To børn"}
		material.OwnWork(m)
		if err := h.st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		keys := []string{img.Key}
		for _, r := range rs {
			keys = append(keys, r.Key)
		}
		c := h.client()
		for _, k := range keys {
			if got := c.get("/media/" + k); got.status != http.StatusNotFound {
				t.Errorf("draft: /media/%s is %d, want 404", k, got.status)
			}
		}

		m.Status, m.PublishedAt = material.Published, time.Now()
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			res, err := http.Get(h.srv.URL + "/media/" + r.Key)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != r.ContentType ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" ||
				res.Header.Get("Cache-Control") != "public, no-cache" || res.Header.Get("ETag") == "" {
				t.Fatalf("published: /media/%s: %d %v", r.Key, res.StatusCode, res.Header)
			}
			req, _ := http.NewRequest("GET", h.srv.URL+"/media/"+r.Key, nil)
			req.Header.Set("If-None-Match", res.Header.Get("ETag"))
			again, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("asked again with its ETag: %d, want 304", again.StatusCode)
			}
		}

		page := c.get("/materialer/" + m.Slug)
		cover := page.doc.Find(".cover picture")
		webp := cover.Find(`source[type="image/webp"]`).AttrOr("srcset", "")
		imgTag := cover.Find("img")
		if !strings.Contains(webp, "w400.webp 400w") || !strings.Contains(webp, "w1000.webp 1000w") ||
			cover.Find("source").AttrOr("sizes", "") == "" {
			t.Errorf("cover's WebP source: %q", webp)
		}
		if !strings.Contains(imgTag.AttrOr("srcset", ""), "w800.jpg 800w") ||
			!strings.Contains(imgTag.AttrOr("srcset", ""), img.Key+" 1000w") || imgTag.AttrOr("sizes", "") == "" ||
			imgTag.AttrOr("width", "") != "1000" || imgTag.AttrOr("height", "") != "600" ||
			imgTag.AttrOr("alt", "") != "To børn" {
			h, _ := cover.Html()
			t.Errorf("cover: %s", h)
		}
		list := c.get("/materialer")
		card := list.doc.Find(".card picture img.card-img")
		if card.Length() != 1 || card.AttrOr("srcset", "") == "" || card.AttrOr("width", "") != "1000" ||
			card.AttrOr("loading", "") != "lazy" {
			t.Errorf("card picture: %d %v", card.Length(), card.Nodes)
		}

		ed, csrf := h.login(storage.RoleEditor)
		p := ed.post("/redaktion/medier/"+img.Key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"material": {strconv.FormatInt(m.ID, 10)}, "confirm": {"on"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		for _, k := range keys {
			if got := c.get("/media/" + k); got.status != http.StatusNotFound {
				t.Errorf("withdrawn: /media/%s is %d, want 404", k, got.status)
			}
			if b, err := h.blobs.Open(ctx, k); err == nil {
				b.Close()
				t.Errorf("withdrawn: %s is still stored", k)
			}
		}
	})
}

// TestBodyImagesGetTheirSize checks that an image of the hub's own in a
// body gets its size and renditions, whatever the source said, and that
// other images stay as they were.
func TestBodyImagesGetTheirSize(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		img, _ := h.photo(900, 500)
		m := h.publish(&material.Material{Title: "Med billeder",
			Body: "Tekst.\n\n![Et foto](/media/" + img.Key + " \"titel\")\n\n![Andet](https://example.org/x.png)" +
				"\n\n![Ukendt](/media/ffffeeee.jpg)"})
		page := h.client().get("/materialer/" + m.Slug)
		pic := page.doc.Find(".prose picture")
		im := pic.Find("img")
		if pic.Length() != 1 || im.AttrOr("width", "") != "900" || im.AttrOr("height", "") != "500" ||
			im.AttrOr("alt", "") != "Et foto" || im.AttrOr("loading", "") != "lazy" ||
			!strings.Contains(pic.Find("source").AttrOr("srcset", ""), "w900.webp 900w") {
			h, _ := page.doc.Find(".prose").Html()
			t.Fatalf("body: %s", h)
		}
		if _, ok := im.Attr("title"); ok {
			t.Error("an attribute of the source came along")
		}
		if page.doc.Find(`.prose img[src="https://example.org/x.png"]`).Length() != 1 ||
			page.doc.Find(`.prose img[src="/media/ffffeeee.jpg"]`).AttrOr("width", "") != "" {
			t.Error("other images were changed")
		}
	})
}
