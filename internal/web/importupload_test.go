package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/share"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// importFields is the import form as a browser sends it: the token first.
func importFields(token string, extra ...[2]string) [][2]string {
	return append([][2]string{{"csrf", token}}, extra...)
}

func TestImportNeedsAFileAndKeepsTheChoices(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"skip_invalid", "on"}))
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", p.status)
		}
		if got := p.text("#file-problem"); got != "Vælg en fil." {
			t.Errorf("problem %q", got)
		}
		if _, ok := p.doc.Find("#format-links").Attr("checked"); !ok {
			t.Error("the chosen format was not kept")
		}
		if _, ok := p.doc.Find("#skip_invalid").Attr("checked"); !ok {
			t.Error("skip_invalid was not kept")
		}
		if _, ok := p.doc.Find("#dry_run").Attr("checked"); ok {
			t.Error("dry_run came back ticked though it was not sent")
		}

		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "gopher"}))
		if p.status != http.StatusUnprocessableEntity || p.text(".problem") != "Vælg, hvad du vil hente ind." {
			t.Errorf("unknown format: status %d, problem %q", p.status, p.text(".problem"))
		}
	})
}

func TestKeptUploadBelongsToItsSession(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		a, tokenA := h.login(storage.RoleAdmin)
		p := a.postMultipart("/redaktion/import", importFields(tokenA, [2]string{"format", "links"},
			[2]string{"dry_run", "on"}), file{"file", "links.csv", []byte("url,title\n")})
		kept := p.attr("input[name=kept]", "value")
		if p.status != http.StatusOK || kept == "" {
			t.Fatalf("dry run: status %d, kept %q", p.status, kept)
		}
		if !strings.Contains(p.text(".file-current"), "links.csv") {
			t.Errorf("kept file not named: %q", p.text(".file-current"))
		}
		key, _, _ := strings.Cut(kept, ".imp.")
		key += ".imp"
		if _, err := h.blobs.Open(ctx, key); err != nil {
			t.Fatalf("kept upload not in the media store: %v", err)
		}
		// The media route serves only media: the upload is not public.
		if res := h.client().get("/media/" + key); res.status != http.StatusNotFound {
			t.Errorf("kept upload served publicly: %d", res.status)
		}
		// Its deletion is planned, whoever runs the jobs.
		job, err := h.st.ClaimJob(ctx, time.Now().Add(25*time.Hour), time.Minute)
		if err != nil || job.Kind != storage.JobDeleteUpload || job.Key != storage.JobDeleteUpload+":"+key {
			t.Errorf("planned deletion: %+v, %v", job, err)
		}

		// A kept file the job has deleted is named as gone, and not kept.
		if err := h.blobs.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		p = a.postMultipart("/redaktion/import", importFields(tokenA, [2]string{"format", "links"},
			[2]string{"kept", kept}, [2]string{"kept_name", "links.csv"}))
		if !strings.Contains(p.text("[role=alert]"), "Den gemte fil findes ikke længere") ||
			p.attr("input[name=kept]", "value") != "" {
			t.Errorf("a deleted kept file: %q, kept %q", p.text("[role=alert]"), p.attr("input[name=kept]", "value"))
		}

		// Another admin cannot use the reference, nor can a changed one.
		b, tokenB := h.login(storage.RoleAdmin)
		for _, ref := range []string{kept, kept[:len(kept)-1] + "0", "../../etc/passwd.imp.x"} {
			p = b.postMultipart("/redaktion/import", importFields(tokenB, [2]string{"format", "links"},
				[2]string{"kept", ref}, [2]string{"kept_name", "links.csv"}))
			if p.status != http.StatusUnprocessableEntity || p.text("#file-problem") != "Vælg en fil." {
				t.Errorf("reference %q: status %d, problem %q", ref, p.status, p.text("#file-problem"))
			}
		}
	})
}

func TestImportIsForAdmins(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		for _, role := range []storage.Role{storage.RoleEditor, storage.RoleReviewer, storage.RoleContributor} {
			c, token := h.login(role)
			if p := c.get("/redaktion/import"); p.status != http.StatusForbidden {
				t.Errorf("%s GET: %d", role, p.status)
			}
			p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"}),
				file{"file", "links.csv", []byte("url,title\n")})
			if p.status != http.StatusForbidden {
				t.Errorf("%s POST: %d", role, p.status)
			}
		}
	})
}

const linksCSV = "url;titel;beskrivelse;målgruppe;tema\n" +
	"https://www.emu.dk/;Danmarks læringsportal;Ideer til forældremøder og trivsel;forældre;Trivsel\n" +
	"https://www.skoleborn.dk/;Skole og forældre;Viden om skolebestyrelser;forældre;Skolebestyrelse\n"

func TestImportUploadTriesFirstThenImportsTheKeptFile(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"dry_run", "on"}), file{"file", "links.csv", []byte(linksCSV)})
		if p.status != http.StatusOK || p.text("#count-created") != "2" || p.text("#count-themes") != "2" {
			t.Fatalf("dry run: status %d, created %q, themes %q\n%s", p.status, p.text("#count-created"),
				p.text("#count-themes"), p.text("main"))
		}
		if got := p.text("#report-heading"); got != "Det ville importen gøre" {
			t.Errorf("heading %q", got)
		}
		if ms, total, _ := h.st.SearchMaterials(ctx, "", 10, 0); total != 0 {
			t.Fatalf("a dry run stored %d materials: %v", total, ms)
		}
		kept := p.attr("input[name=kept]", "value")

		// The import itself, from the kept file.
		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"kept", kept}, [2]string{"kept_name", "links.csv"}))
		if p.status != http.StatusOK || p.text("#report-heading") != "Importen er gennemført" ||
			p.text("#count-created") != "2" {
			t.Fatalf("import: status %d, heading %q, created %q", p.status, p.text("#report-heading"),
				p.text("#count-created"))
		}
		m, err := h.st.GetMaterialBySlug(ctx, "danmarks-laeringsportal")
		if err != nil || m.LinkURL != "https://www.emu.dk/" || m.Status != "published" {
			t.Fatalf("imported link: %+v, %v", m, err)
		}
		if res := h.client().get("/materialer/danmarks-laeringsportal"); res.status != http.StatusOK {
			t.Errorf("imported link's page: %d", res.status)
		}
		key, _, _ := strings.Cut(kept, ".imp.")
		if _, err := h.blobs.Open(ctx, key+".imp"); err == nil {
			t.Error("the kept file is still there after the import")
		}
		// The same reference cannot run the import twice.
		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"kept", kept}, [2]string{"kept_name", "links.csv"}))
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("second import of a used file: status %d", p.status)
		}

		// Again from a new upload: updated in place, nothing duplicated.
		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"}),
			file{"file", "andre-links.csv", []byte(linksCSV)})
		if p.text("#count-unchanged") != "2" || p.text("#count-created") != "0" {
			t.Errorf("second run: created %q, unchanged %q", p.text("#count-created"), p.text("#count-unchanged"))
		}
	})
}

func TestImportUploadStopsOnABadRowAndKeepsEverything(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		bad := linksCSV + "javascript:alert(1);Ond;Noget;forældre;Trivsel\n"
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"}),
			file{"file", "links.csv", []byte(bad)})
		if p.status != http.StatusUnprocessableEntity || p.text("#report-heading") != "Importen er stoppet – intet er gemt" {
			t.Fatalf("status %d, heading %q", p.status, p.text("#report-heading"))
		}
		refused := p.text(".import-problems")
		if !strings.Contains(refused, "links.csv: line 4") || !strings.Contains(refused, "javascript:alert(1)") {
			t.Errorf("refused row not named with its line and value: %q", refused)
		}
		if _, total, _ := h.st.SearchMaterials(ctx, "", 10, 0); total != 0 {
			t.Errorf("a stopped import stored %d materials", total)
		}
		if p.attr("input[name=kept]", "value") == "" {
			t.Error("the file was not kept for a second try")
		}
		// A dry run that skips the bad row is not a stopped import.
		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"dry_run", "on"}, [2]string{"skip_invalid", "on"},
			[2]string{"kept", p.attr("input[name=kept]", "value")}, [2]string{"kept_name", "links.csv"}))
		if p.text("#report-heading") != "Det ville importen gøre" || p.text(".import-report h3") !=
			"Sprunget over på grund af fejl" || p.text("#count-skipped") != "1" {
			t.Errorf("dry run skipping: heading %q, list %q, skipped %q", p.text("#report-heading"),
				p.text(".import-report h3"), p.text("#count-skipped"))
		}
		// With skip_invalid, the two good rows go in.
		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"skip_invalid", "on"}, [2]string{"kept", p.attr("input[name=kept]", "value")},
			[2]string{"kept_name", "links.csv"}))
		if p.status != http.StatusOK || p.text("#count-created") != "2" || p.text("#count-skipped") != "1" {
			t.Errorf("skip invalid: status %d, created %q, skipped %q", p.status, p.text("#count-created"),
				p.text("#count-skipped"))
		}
	})
}

func TestImportUploadOfTheWrongFile(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 200)...)
		for _, tc := range []struct{ format, name string }{{"links", "links.csv"}, {"markdown", "mappe.zip"}} {
			p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", tc.format}),
				file{"file", tc.name, jpeg})
			if p.status != http.StatusUnprocessableEntity || p.text("[role=alert] h2") != "Filen kunne ikke læses" {
				t.Errorf("%s: status %d, %q", tc.format, p.status, p.text("main"))
			}
		}
	})
}

// TestImportedBodyImageInTheWorkspace: an image in an imported draft's
// body is shown to editors from the workspace's media route, while the
// public media route keeps it hidden until the material is public.
func TestImportedBodyImageInTheWorkspace(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		img := pngBytes(t, 40, 30)
		b := &transfer.Bundle{Source: "test", Items: []transfer.Item{{Key: "a", Where: "a",
			Material: material.Material{Kind: material.Article, Title: "Et billede i teksten",
				Summary: "Resumé.", Body: "Se her:\n\n![Børn i skolegården](" + transfer.InlineRef(0) + ")\n",
				Audiences: []material.Audience{material.Parents}, Status: material.Draft},
			Inline: []transfer.File{{Key: "gaard.png", Name: "gaard.png", Alt: "Børn i skolegården",
				Open: func(context.Context) (io.ReadCloser, error) {
					return io.NopCloser(bytes.NewReader(img)), nil
				}}}}}}
		if _, err := transfer.Apply(ctx, h.st, h.blobs, b, transfer.Options{Limits: media.DefaultLimits()}); err != nil {
			t.Fatal(err)
		}
		m, err := h.st.GetMaterialBySlug(ctx, "et-billede-i-teksten")
		if err != nil {
			t.Fatal(err)
		}
		if problems := material.CheckPublishable(m); len(problems["body"]) > 0 {
			t.Errorf("the body's own image fails the checks: %v", problems["body"])
		}
		c, _ := h.login(storage.RoleEditor)
		view := c.get(fmt.Sprintf("/redaktion/materialer/%d/vis", m.ID))
		src := view.attr("main img[alt='Børn i skolegården']", "src")
		if !strings.HasPrefix(src, "/redaktion/medier/") {
			t.Fatalf("image in the workspace view: %q", src)
		}
		if res := c.get(src); res.status != http.StatusOK || res.body != string(img) {
			t.Errorf("workspace media: %d", res.status)
		}
		key := strings.TrimPrefix(src, "/redaktion/medier/")
		if res := h.client().get("/media/" + key); res.status != http.StatusNotFound {
			t.Errorf("a draft's body image is public: %d", res.status)
		}
	})
}

// TestImportUploadFetchesThroughTheGuard: with fetch_media ticked, the
// files of a WordPress export are fetched through the guarded fetcher,
// which refuses addresses on loopback before connecting.
func TestImportUploadFetchesThroughTheGuard(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { asked.Add(1) }))
	defer srv.Close()
	export := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><link>` + srv.URL + `/</link>
<wp:wxr_version>1.2</wp:wxr_version><item><title>Et billede</title><wp:post_id>1</wp:post_id>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt><content:encoded><![CDATA[<p>Se billedet.</p>
<p><img src="` + srv.URL + `/wp-content/uploads/2020/01/a.png" alt="A"></p>]]></content:encoded></item>
</channel></rss>`
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "wordpress"},
			[2]string{"fetch_media", "on"}), file{"file", "export.xml", []byte(export)})
		if p.status != http.StatusOK || p.text("#count-created") != "1" || p.text("#count-media_missing") != "1" {
			t.Fatalf("status %d, created %q, missing %q\n%s", p.status, p.text("#count-created"),
				p.text("#count-media_missing"), p.text("main"))
		}
		if strings.Contains(p.body, "loopback") || strings.Contains(p.body, "127.0.0.1:") {
			t.Error("the page tells what the fetcher found out")
		}
	})
	if n := asked.Load(); n != 0 {
		t.Errorf("the fetcher reached a loopback server %d times", n)
	}
}

// zipped returns a zip file of files.
func zipped(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportUploadOfAZippedFolder: a zip file of a Markdown folder brings
// its materials with their pictures.
func TestImportUploadOfAZippedFolder(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		site := zipped(t, map[string][]byte{
			"site/content/moede.md": []byte("---\ntitle: Forældremødet\ndate: 2024-09-01\ncover: gaard.png\n" +
				"cover_alt: Forældre i skolegården\ndescription: Sådan holder I et godt møde.\n---\n\nTekst.\n"),
			"site/content/gaard.png": pngBytes(t, 60, 40),
		})
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "markdown"}),
			file{"file", "site.zip", site})
		if p.status != http.StatusOK || p.text("#count-created") != "1" || p.text("#count-media") != "1" {
			t.Fatalf("status %d, created %q, media %q\n%s", p.status, p.text("#count-created"),
				p.text("#count-media"), p.text("main"))
		}
		m, err := h.st.GetMaterialBySlug(ctx, "moede")
		if err != nil || m.CoverID == 0 || m.CoverAlt != "Forældre i skolegården" {
			t.Errorf("imported material: %+v, %v", m, err)
		}
	})
}

// TestOldAddressesNeverShadowRoutes: every address the router answers is
// one an import refuses as an old address.
func TestOldAddressesNeverShadowRoutes(t *testing.T) {
	h := newHub(t, storagetest.Open(t, storage.SQLite))
	for _, rt := range h.web.Routes() {
		path := strings.NewReplacer("{$}", "", "{", "", "}", "").Replace(rt.Pattern)
		if !transfer.HubPath(path) {
			t.Errorf("route %s %s: an import could claim %q as an old address", rt.Method, rt.Pattern, path)
		}
	}
}

// TestImportUploadSourceKeepsSitesApart: two sites whose files have the
// same path update each other unless each has a source name.
func TestImportUploadSourceKeepsSitesApart(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		site := func(title string) []byte {
			return zipped(t, map[string][]byte{"content/trivsel.md": []byte("---\ntitle: " + title +
				"\ndate: 2024-09-01\ndescription: Om trivsel.\n---\n\nTekst.\n")})
		}
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "markdown"},
			[2]string{"source", "Skole A!"}), file{"file", "a.zip", site("Trivsel på skole A")})
		if p.status != http.StatusUnprocessableEntity || p.attr("#source", "value") != "Skole A!" ||
			p.text("#source-problem") == "" {
			t.Fatalf("a bad source name: status %d, kept %q, problem %q", p.status, p.attr("#source", "value"),
				p.text("#source-problem"))
		}
		for _, s := range []struct{ source, title string }{{"skole-a", "Trivsel på skole A"},
			{"skole-b", "Trivsel på skole B"}} {
			p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "markdown"},
				[2]string{"source", s.source}), file{"file", "site.zip", site(s.title)})
			if p.text("#count-created") != "1" {
				t.Errorf("%s: created %q\n%s", s.source, p.text("#count-created"), p.text("main"))
			}
		}
		if _, total, _ := h.st.SearchMaterials(ctx, "", 10, 0); total != 2 {
			t.Errorf("%d materials, want one per site", total)
		}
	})
}

// TestOldAddressesIgnoreTheChannelTag: an address shared with the hub's
// own channel tag is the same old address, and the front page with only
// tags is no old address at all.
func TestOldAddressesIgnoreTheChannelTag(t *testing.T) {
	tagged, ok := storage.OldPath("/?p=3&" + share.TagParam + "=aula")
	plain, _ := storage.OldPath("/?p=3")
	if !ok || tagged != plain {
		t.Errorf("tagged %q, plain %q", tagged, plain)
	}
	front, ok := storage.OldPath("/?" + share.TagParam + "=qr&utm_source=x")
	if !ok || !transfer.HubPath(front) {
		t.Errorf("front page with tags: %q, hub path %v", front, transfer.HubPath(front))
	}
}
