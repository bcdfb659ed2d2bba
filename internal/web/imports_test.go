package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer"
)

// importSample imports a published article with an inline image and old
// addresses, and a draft with old addresses of its own.
func (h *hubT) importSample(t *testing.T) (published, draft *material.Material) {
	t.Helper()
	img := pngBytes(t, 30, 20)
	pub := material.Material{Kind: material.Article, Title: "Trivsel i klassen", Slug: "trivsel-i-klassen",
		Summary: "Om trivsel.", Body: "## Foto\n\n![Elever i skolegården](" + transfer.InlineRef(0) + ")",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Published}
	drf := pub
	drf.Title, drf.Slug, drf.Status, drf.Body = "Kladde", "kladde", material.Draft, "## Kladde\n\nTekst."
	b := &transfer.Bundle{Source: "test:web", Items: []transfer.Item{
		{Key: "post:123", Material: pub, OldPaths: []string{"/2016/12/trivsel-i-klassen/", "/?p=123",
			"/?page_id=7", "/2016/12/trivsel-i-klassen/attachment/foto/"},
			Inline: []transfer.File{{Key: "uploads/foto.png", Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(img)), nil
			}}}},
		{Key: "post:124", Material: drf, OldPaths: []string{"/?p=124", "/2016/12/kladde/"}},
	}}
	rep, err := transfer.Apply(ctx, h.st, h.blobs, b, transfer.Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ms := make([]*material.Material, 2)
	for i, it := range rep.Items {
		if ms[i], err = h.st.GetMaterial(ctx, it.MaterialID); err != nil {
			t.Fatal(err)
		}
	}
	return ms[0], ms[1]
}

func TestOldAddressesRedirect(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		pub, _ := h.importSample(t)
		c := h.client()
		want := "/materialer/" + pub.Slug
		for _, path := range []string{"/2016/12/trivsel-i-klassen/", "/2016/12/trivsel-i-klassen", "/?p=123",
			"/?page_id=7", "/2016/12/trivsel-i-klassen/attachment/foto/", "/?utm_source=aula&p=123"} {
			res := c.get(path)
			if res.status != http.StatusMovedPermanently || res.header.Get("Location") != want {
				t.Errorf("GET %s: %d to %q, want 301 to %s", path, res.status, res.header.Get("Location"), want)
			}
		}
		for _, path := range []string{"/?p=124", "/2016/12/kladde/", "/2016/12/ukendt/"} {
			if res := c.get(path); res.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, res.status)
			}
		}
		for _, path := range []string{"/?p=999", "/?k=aula"} {
			if res := c.get(path); res.status != http.StatusOK || res.doc.Find("main").Length() == 0 {
				t.Errorf("GET %s: %d, want the front page", path, res.status)
			}
		}

		pub.Status = material.Unpublished
		if err := h.st.SaveMaterial(ctx, pub, storage.Save{From: material.Published}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/2016/12/trivsel-i-klassen/", "/?p=123"} {
			if res := c.get(path); res.status != http.StatusNotFound {
				t.Errorf("GET %s of an unpublished material: %d, want 404", path, res.status)
			}
		}
	})
}

func TestInlineImageServedWhileItsMaterialIsPublic(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		pub, _ := h.importSample(t)
		c := h.client()
		page := c.get("/materialer/" + pub.Slug)
		src := page.attr("main img[alt='Elever i skolegården']", "src")
		if page.status != http.StatusOK || !strings.HasPrefix(src, "/media/") {
			t.Fatalf("material page %d shows the image at %q", page.status, src)
		}
		if res := c.get(src); res.status != http.StatusOK || res.header.Get("Content-Type") != "image/png" {
			t.Errorf("GET %s: %d %s, want the image", src, res.status, res.header.Get("Content-Type"))
		}
		pub.Status = material.Unpublished
		if err := h.st.SaveMaterial(ctx, pub, storage.Save{From: material.Published}); err != nil {
			t.Fatal(err)
		}
		if res := c.get(src); res.status != http.StatusNotFound {
			t.Errorf("GET %s of an unpublished material: %d, want 404", src, res.status)
		}
	})
}

func TestFixListShowsPublicMaterialsFailingTheChecks(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		pub, draft := h.importSample(t)
		editor, _ := h.login(storage.RoleEditor)
		edit := "/redaktion/materialer/" + strconv.FormatInt(pub.ID, 10)

		p := editor.get("/redaktion/at-rette")
		if p.status != http.StatusOK {
			t.Fatalf("fix list: %d", p.status)
		}
		row := p.doc.Find("tbody tr")
		if row.Length() != 1 || p.attr("tbody tr a", "href") != edit {
			t.Fatalf("fix list rows %d, link %q; want one to %s", row.Length(), p.attr("tbody tr a", "href"), edit)
		}
		if p.doc.Find("a[href='/redaktion/materialer/"+strconv.FormatInt(draft.ID, 10)+"']").Length() != 0 {
			t.Error("the draft is on the fix list")
		}
		if reasons := row.Find("li").Length(); reasons == 0 {
			t.Error("no reasons given")
		}

		// Fixing it takes it off the list.
		pub.Body = "## Foto\n\nUden billede."
		material.OwnWork(pub)
		if err := h.st.SaveMaterial(ctx, pub, storage.Save{UserID: 0, From: material.Published}); err != nil {
			t.Fatal(err)
		}
		p = editor.get("/redaktion/at-rette")
		if p.doc.Find("tbody tr").Length() != 0 || !strings.Contains(p.text("main"), "består udgivelsestjekket") {
			t.Errorf("fix list after the fix: %q", p.text("main"))
		}

		// A planned material that fails the checks is listed with its time:
		// the publish job will not publish it until it is fixed.
		planned := *draft
		planned.Status = material.Scheduled
		planned.ScheduledAt = time.Date(2030, 3, 4, 7, 0, 0, 0, time.UTC)
		if err := h.st.SaveMaterial(ctx, &planned, storage.Save{From: material.Draft}); err != nil {
			t.Fatal(err)
		}
		p = editor.get("/redaktion/at-rette")
		row = p.doc.Find("tbody tr")
		if row.Length() != 1 || p.attr("tbody tr a", "href") != "/redaktion/materialer/"+
			strconv.FormatInt(draft.ID, 10) || row.Find("li").Length() == 0 ||
			!strings.Contains(row.Find(".fix-planned").Text(), "Planlagt til 4. marts 2030 kl. 08:00") {
			t.Errorf("fix list with a planned material: %q", p.text("main"))
		}

		contributor, _ := h.loginContributor()
		if res := contributor.get("/redaktion/at-rette"); res.status == http.StatusOK {
			t.Error("a contributor sees the fix list")
		}
	})
}
