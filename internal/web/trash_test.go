package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
	"github.com/bindeled/bindeled/internal/transfer/wordpress"
)

// siteExport is a small WordPress export: a post in the status given and
// a post that was in the trash from the start.
func siteExport(status, postName string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><link>https://s.example.dk/</link>
	<language>da-DK</language><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Skolestart</title><link>https://s.example.dk/?p=10</link><wp:post_id>10</wp:post_id>
	<wp:post_date_gmt>2025-08-01 08:00:00</wp:post_date_gmt><wp:post_name>` + postName + `</wp:post_name>
	<wp:status>` + status + `</wp:status><wp:post_type>post</wp:post_type>
	<content:encoded><![CDATA[Velkommen til et nyt skoleår.]]></content:encoded></item>
<item><title>Gammelt</title><link>https://s.example.dk/?p=11</link><wp:post_id>11</wp:post_id>
	<wp:post_date_gmt>2015-01-01 08:00:00</wp:post_date_gmt><wp:status>trash</wp:status>
	<wp:post_type>post</wp:post_type><content:encoded><![CDATA[Slettet.]]></content:encoded></item>
</channel></rss>`
}

// A post trashed in WordPress after an earlier import is taken off the
// site by the next run; a post that was always in the trash is not
// created.
func TestTrashedPostIsTakenOffTheSite(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		run := func(status, postName string) *transfer.Report {
			t.Helper()
			b, err := wordpress.Read(ctx, strings.NewReader(siteExport(status, postName)), wordpress.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := transfer.Apply(ctx, h.st, h.blobs, b, transfer.Options{OwnWork: true, TempDir: t.TempDir()})
			if err != nil {
				t.Fatalf("apply: %v (%+v)", err, rep)
			}
			return rep
		}
		rep := run("publish", "skolestart")
		if rep.Created != 1 || len(rep.Items) != 1 || rep.Skipped != 0 {
			t.Fatalf("first run: %d created, %d skipped, items %+v; want only the published post",
				rep.Created, rep.Skipped, rep.Items)
		}
		c := h.client()
		if res := c.get("/?p=10"); res.status != http.StatusMovedPermanently {
			t.Fatalf("GET /?p=10 after the first run: %d, want 301", res.status)
		}
		if res := c.get("/?p=11"); res.status != http.StatusOK {
			t.Errorf("GET /?p=11 of a post never imported: %d, want the front page", res.status)
		}

		rep = run("trash", "skolestart__trashed")
		if rep.Updated != 1 || rep.Created != 0 || len(rep.Items) != 1 {
			t.Fatalf("trashed run: %d updated, %d created, items %+v; want the material updated",
				rep.Updated, rep.Created, rep.Items)
		}
		m, err := h.st.GetMaterial(ctx, rep.Items[0].MaterialID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != material.Unpublished || m.Slug != "skolestart" {
			t.Errorf("trashed post: status %s, slug %q; want unpublished, skolestart", m.Status, m.Slug)
		}
		for _, path := range []string{"/?p=10", "/materialer/skolestart"} {
			if res := c.get(path); res.status != http.StatusNotFound {
				t.Errorf("GET %s of the trashed post: %d, want 404", path, res.status)
			}
		}
		if rep = run("trash", "skolestart__trashed"); rep.Unchanged != 1 || rep.Updated != 0 {
			t.Errorf("second trashed run: %d unchanged, %d updated; want it left alone", rep.Unchanged, rep.Updated)
		}
		n := 0
		if err := h.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM materials`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d materials, %v; want only the imported post", n, err)
		}
	})
}
