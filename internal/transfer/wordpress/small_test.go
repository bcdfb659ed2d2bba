package wordpress

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// wxr returns a small export of version 1.2 holding items, each the inner
// XML of one <item>, on a site in language lang.
func wxr(lang string, items ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><link>https://s.example.dk/</link>
	<language>` + lang + `</language><wp:wxr_version>1.2</wp:wxr_version>`)
	for _, it := range items {
		b.WriteString("<item>" + it + "</item>\n")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// post returns the inner XML of a post item.
func post(id, title, status, content string, extra ...string) string {
	return "<title>" + title + "</title><wp:post_id>" + id + "</wp:post_id><wp:status>" + status +
		"</wp:status><wp:post_type>post</wp:post_type><content:encoded><![CDATA[" + content +
		"]]></content:encoded>" + strings.Join(extra, "")
}

func readString(t *testing.T, s string, opts Options) *transfer.Bundle {
	t.Helper()
	b, err := Read(context.Background(), strings.NewReader(s), opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

func TestReadSmallCases(t *testing.T) {
	long := strings.Repeat("Titel ", 30)
	b := readString(t, wxr("en-GB",
		post("1", "Feed date only", "publish", "Text.", "<pubDate>Tue, 03 Jan 2017 10:00:00 +0100</pubDate>"),
		`<title>Event</title><wp:post_id>2</wp:post_id><wp:status>publish</wp:status>`+
			`<wp:post_type>tribe_events</wp:post_type><content:encoded>x</content:encoded>`,
		`<title>Product</title><wp:post_id>3</wp:post_id><wp:status>publish</wp:status>`+
			`<wp:post_type>product</wp:post_type>`,
		post("4", long, "publish", "Text."),
		post("5", "Huge", "publish", strings.Repeat("x", maxContentBytes+1)),
		post("6", "Bad date", "publish", "Text.", "<wp:post_date_gmt>2017-13-45 99:00:00</wp:post_date_gmt>"),
		post("7", "", "auto-draft", ""),
		post("8", "Only own links", "publish", `See <a href="https://s.example.dk/other/">the other page</a>.`,
			`<category domain="category" nicename="links">Links</category>`),
		post("9", "Pending", "pending", "Waiting for review."),
	), Options{Kinds: []KindRule{{By: "type", Name: "tribe_events", Kind: material.Article},
		{By: "category", Name: "links", Kind: material.Link}},
		Audiences: []material.Audience{material.Parents}})

	var keys []string
	for _, it := range b.Items {
		keys = append(keys, it.Key)
	}
	if want := []string{"post:1", "post:2", "post:8", "post:9"}; !slices.Equal(keys, want) {
		t.Errorf("items %v, want %v", keys, want)
	}
	first := b.Items[0]
	if first.Where != "export: item 1 «Feed date only»" {
		t.Errorf("Where = %q", first.Where)
	}
	m := first.Material
	if !m.PublishedAt.Equal(time.Date(2017, 1, 3, 9, 0, 0, 0, time.UTC)) || m.Language != "en" ||
		!slices.Equal(m.Audiences, []material.Audience{material.Parents}) {
		t.Errorf("published %v, language %q, audiences %v", m.PublishedAt, m.Language, m.Audiences)
	}
	if k := b.Items[2].Material.Kind; k != material.Article {
		t.Errorf("link post with only the site's own links is %s", k)
	}
	if s := b.Items[3].Material.Status; s != material.Draft {
		t.Errorf("pending post is %s", s)
	}
	wantRefused := []transfer.Problem{
		{Where: "export: item 4 «" + strings.TrimSpace(long) + "»", Code: ProblemInvalid, Detail: "title"},
		{Where: "export: item 5 «Huge»", Code: ProblemContentTooLong, Detail: "4194305"},
		{Where: "export: item 6 «Bad date»", Code: ProblemDateInvalid,
			Detail: `post_date_gmt "2017-13-45 99:00:00"`},
	}
	if !slices.Equal(b.Refused, wantRefused) {
		t.Errorf("Refused =\n%+v\nwant\n%+v", b.Refused, wantRefused)
	}
	if !hasProblem(b.Problems, ProblemLinkWithoutURL, "Only own links") {
		t.Errorf("Problems = %+v", b.Problems)
	}
}

func TestReadOlderVersionsAndHeaderless(t *testing.T) {
	s := strings.ReplaceAll(wxr("da", post("1", "Gammel", "publish", "Tekst.")), "export/1.2/", "export/1.0/")
	s = strings.TrimPrefix(s, `<?xml version="1.0" encoding="UTF-8"?>`)
	b := readString(t, s, Options{Name: "old.xml"})
	if len(b.Items) != 1 || b.Items[0].Material.Title != "Gammel" {
		t.Errorf("items = %+v", b.Items)
	}
}

func TestReadBlockEditorFilm(t *testing.T) {
	content := "<!-- wp:embed {\"url\":\"https://vimeo.com/76979871\"} -->\n<figure class=\"wp-block-embed\">" +
		"<div class=\"wp-block-embed__wrapper\">\nhttps://vimeo.com/76979871\n</div></figure>\n<!-- /wp:embed -->"
	b := readString(t, wxr("da", post("1", "En film", "publish", content),
		post("2", "Film og tekst", "publish", content+"\n\nOg lidt om filmen.")), Options{})
	if m := b.Items[0].Material; m.Kind != material.Film || m.ExternalURL != "https://vimeo.com/76979871" ||
		m.Body != "" {
		t.Errorf("film post: kind %s, external %q, body %q", m.Kind, m.ExternalURL, m.Body)
	}
	if m := b.Items[1].Material; m.Kind != material.Article {
		t.Errorf("a film with text is %s, want article", m.Kind)
	}
}

func TestReadWithByteOrderMark(t *testing.T) {
	b := readString(t, "\xef\xbb\xbf"+wxr("da", post("1", "Med BOM", "publish", "Tekst.")), Options{})
	if len(b.Items) != 1 || b.Items[0].Material.Title != "Med BOM" {
		t.Errorf("items = %+v", b.Items)
	}
	// A theme that prints blank lines before the export is a known
	// WordPress fault.
	b = readString(t, "\n\n"+wxr("da", post("1", "Blank start", "publish", "Tekst.")), Options{})
	if len(b.Items) != 1 {
		t.Errorf("items = %+v", b.Items)
	}
}

func TestReadPrefersOriginalImages(t *testing.T) {
	attachment := `<title>foto</title><wp:post_id>9</wp:post_id><wp:post_parent>1</wp:post_parent>` +
		`<wp:post_type>attachment</wp:post_type>` +
		`<wp:attachment_url>https://s.example.dk/wp-content/uploads/2020/01/foto.jpg</wp:attachment_url>`
	content := `<img src="/wp-content/uploads/2020/01/foto-300x200.jpg" alt="Foto">` +
		`<img src="/wp-content/uploads/2020/01/andet-300x200.jpg" alt="Andet">`
	b := readString(t, wxr("da", post("1", "Billeder", "publish", content), attachment), Options{})
	var keys []string
	for _, f := range b.Items[0].Inline {
		keys = append(keys, f.Key)
	}
	want := []string{"https://s.example.dk/wp-content/uploads/2020/01/foto.jpg",
		"https://s.example.dk/wp-content/uploads/2020/01/andet-300x200.jpg"}
	if !slices.Equal(keys, want) {
		t.Errorf("inline keys = %v, want %v", keys, want)
	}
}

// A trashed post becomes an update-only, unpublished item under its slug
// from before the trash; one that cannot be read is left out quietly.
func TestReadTrashedPosts(t *testing.T) {
	b := readString(t, wxr("da-DK",
		post("5", "Skolestart", "trash", "Tekst [su_box]i en boks[/su_box].",
			"<wp:post_name>skolestart__trashed</wp:post_name>",
			"<wp:post_date_gmt>2025-08-01 08:00:00</wp:post_date_gmt>"),
		post("6", "", "trash", "Uden titel."),
	), Options{Name: "x.xml"})
	if len(b.Items) != 1 || len(b.Refused) != 0 {
		t.Fatalf("items %+v, refused %+v; want only the titled post", b.Items, b.Refused)
	}
	it := b.Items[0]
	m := it.Material
	if !it.UpdateOnly || m.Status != material.Unpublished || m.Slug != "skolestart" ||
		!m.PublishedAt.Equal(time.Date(2025, 8, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("trashed post: update-only %v, status %s, slug %q, published %v", it.UpdateOnly, m.Status,
			m.Slug, m.PublishedAt)
	}
	want := []transfer.Problem{
		{Where: "x.xml: item 1 «Skolestart»", Code: ProblemTrashSkipped, Detail: "Skolestart"},
		{Where: "x.xml: item 2 «»", Code: ProblemTrashSkipped, Detail: ""},
	}
	if !slices.Equal(b.Problems, want) {
		t.Errorf("problems %+v, want %+v", b.Problems, want)
	}
}
