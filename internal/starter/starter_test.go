package starter

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // covers and posters
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/material"
)

// Size limits for the embedded media, in bytes. The whole collection ends up
// in the binary, and parents often read on phones with little data.
const (
	maxTotalMedia = 3 << 20
	maxCover      = 120 << 10
	maxPoster     = 120 << 10
	maxVideo      = 1536 << 10
	maxCaptions   = 32 << 10
	maxAttachment = 300 << 10
)

func mustLoad(t *testing.T) *Collection {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadCoversTheBrief(t *testing.T) {
	c := mustLoad(t)
	if n := len(c.Items); n < 14 {
		t.Errorf("%d materials, want at least 14", n)
	}
	if n := len(c.Themes); n < 6 || n > 8 {
		t.Errorf("%d themes, want 6 to 8", n)
	}
	if n := len(c.Schools); n != 2 {
		t.Errorf("%d schools, want 2", n)
	}

	kinds := map[material.Kind]int{}
	audiences := map[material.Audience]int{}
	themes := map[string]int{}
	schools := map[string]int{}
	featured := 0
	for _, it := range c.Items {
		m := it.Material
		kinds[m.Kind]++
		for _, a := range m.Audiences {
			audiences[a]++
		}
		for _, s := range it.ThemeSlugs {
			themes[s]++
		}
		if it.SchoolSlug != "" {
			schools[it.SchoolSlug]++
		}
		if m.Featured {
			featured++
		}
	}
	for _, k := range material.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no material of kind %s", k)
		}
	}
	if n := kinds[material.Link]; n < 3 || n > 4 {
		t.Errorf("%d links, want 3 or 4", n)
	}
	if n := kinds[material.Guide]; n != 2 {
		t.Errorf("%d guides, want 2", n)
	}
	if n := kinds[material.Film]; n < 1 || n > 2 {
		t.Errorf("%d films, want 1 or 2", n)
	}
	for _, a := range material.Audiences {
		if audiences[a] == 0 {
			t.Errorf("no material for audience %s", a)
		}
	}
	for _, th := range c.Themes {
		if themes[th.Slug] == 0 {
			t.Errorf("theme %s is used by no material", th.Slug)
		}
	}
	for _, s := range c.Schools {
		if schools[s.Slug] == 0 {
			t.Errorf("school %s has no materials, so its page would be empty", s.Slug)
		}
		if u, err := url.Parse(s.URL); err != nil || u.Scheme != "https" || u.Host != "example.dk" {
			t.Errorf("school %s: url %q should be an https://example.dk/ placeholder", s.Slug, s.URL)
		}
	}
	if featured < 3 || featured > 4 {
		t.Errorf("%d featured materials, want 3 or 4", featured)
	}
}

func TestLoadIsDeterministicAndSorted(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	if len(a.Items) != len(b.Items) {
		t.Fatal("two loads gave different numbers of items")
	}
	now := time.Now()
	for i := range a.Items {
		if a.Items[i].Material.Slug != b.Items[i].Material.Slug {
			t.Errorf("item %d: %s in one load, %s in the other", i, a.Items[i].Material.Slug, b.Items[i].Material.Slug)
		}
		p := a.Items[i].Material.PublishedAt
		if i > 0 && p.Before(a.Items[i-1].Material.PublishedAt) {
			t.Errorf("item %d (%s) is published before the item above it", i, a.Items[i].Material.Slug)
		}
		if p.IsZero() || p.After(now) {
			t.Errorf("%s: published %v, want a date in the past", a.Items[i].Material.Slug, p)
		}
	}
}

func TestItemsArePublishable(t *testing.T) {
	for _, it := range mustLoad(t).Items {
		m := it.Material
		if m.ID != 0 || m.SchoolID != 0 || len(m.ThemeIDs) != 0 {
			t.Errorf("%s: IDs must be left for the store to set", m.Slug)
		}
		if m.Status != material.Published || m.PublishedAt.IsZero() {
			t.Errorf("%s: status %s, published %v; want published with a date", m.Slug, m.Status, m.PublishedAt)
		}
		if m.Language != "da" {
			t.Errorf("%s: language %q, want da", m.Slug, m.Language)
		}
		// The IDs the loader will set once it has stored the files.
		if it.Cover != "" {
			m.CoverID = 1
		}
		if it.Video != "" {
			m.VideoID = 2
		}
		if it.Captions != "" {
			m.CaptionsID = 3
		}
		if it.Poster != "" {
			m.PosterID = 4
		}
		if len(m.Attachments) != len(it.Attachments) {
			t.Errorf("%s: %d material attachments for %d files", m.Slug, len(m.Attachments), len(it.Attachments))
			continue
		}
		m.Attachments = slices.Clone(m.Attachments)
		for i := range m.Attachments {
			m.Attachments[i].MediaID = int64(10 + i)
		}
		material.OwnWork(&m) // as the hub does when it loads the collection
		if p := material.CheckPublishable(&m); p != nil {
			t.Errorf("%s: not publishable: %v", m.Slug, p)
		}
	}
}

func TestTextFields(t *testing.T) {
	slugs := map[string]string{}
	for _, it := range mustLoad(t).Items {
		m := it.Material
		if n := utf8.RuneCountInString(m.Summary); n == 0 || n > material.SummaryMax {
			t.Errorf("%s: summary has %d characters, want 1 to %d", m.Slug, n, material.SummaryMax)
		}
		slug := material.Slugify(m.Title)
		if slug == "" || slug != m.Slug {
			t.Errorf("%q: slug %q, Slugify gives %q", m.Title, m.Slug, slug)
		}
		if other, ok := slugs[slug]; ok {
			t.Errorf("%q and %q have the same slug %s", m.Title, other, slug)
		}
		slugs[slug] = m.Title
		if it.Cover != "" && len([]rune(m.CoverAlt)) < 20 {
			t.Errorf("%s: cover alt text %q is too short to describe the picture", m.Slug, m.CoverAlt)
		}
		if m.Kind == material.Article {
			if n := len(strings.Fields(plainText(m.Body))); n < 250 || n > 600 {
				t.Errorf("%s: article has %d words, want 250 to 600", m.Slug, n)
			}
		}
		if municipality.MatchString(m.Title + "\n" + m.Summary + "\n" + m.Body) {
			t.Errorf("%s: names a municipality; the hub is for any municipality", m.Slug)
		}
	}
}

// municipality finds names like "Eksempelby Kommune"; the hub is for any
// municipality, so the starter collection names none.
var municipality = regexp.MustCompile(`[A-ZÆØÅ][a-zæøå]+ Kommune`)

// vagueLink finds Markdown links whose text is one of the meaningless ones,
// independently of the package's own checker.
var vagueLink = regexp.MustCompile(`(?i)\[\s*(klik her|læs mere|her|læs her|se her|link)\s*\]\(`)

func TestBodies(t *testing.T) {
	for _, it := range mustLoad(t).Items {
		m := it.Material
		if err := checkBody(m.Body); err != nil {
			t.Errorf("%s: %v", m.Slug, err)
		}
		if loc := vagueLink.FindString(m.Body); loc != "" {
			t.Errorf("%s: meaningless link text in %q", m.Slug, loc)
		}
		for _, link := range inlineLink.FindAllStringSubmatch(m.Body, -1) {
			checkOutsideLink(t, m.Slug, link[3])
		}
		if m.Kind == material.Link {
			checkOutsideLink(t, m.Slug, m.LinkURL)
		}
	}
}

// trustedHosts are the public bodies the starter collection may link to.
// Links go to front pages or well-known, stable pages only.
var trustedHosts = []string{
	"emu.dk", "skole-foraeldre.dk", "uvm.dk", "bornsvilkar.dk",
	"medieraadet.dk", "aula.dk", "retsinformation.dk",
}

func checkOutsideLink(t *testing.T, slug, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		t.Errorf("%s: link %q is not https", slug, raw)
		return
	}
	host := strings.TrimPrefix(u.Hostname(), "www.")
	if !slices.Contains(trustedHosts, host) {
		t.Errorf("%s: link to %s, which is not one of the trusted public bodies", slug, host)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		t.Errorf("%s: link %q should go to the front page", slug, raw)
	}
}

// TestReadability computes LIX (words per sentence plus the share of words
// over six letters) for material parents read. Parents often read on a phone
// between two things, and some read Danish as a second language.
func TestReadability(t *testing.T) {
	for _, it := range mustLoad(t).Items {
		m := it.Material
		if !m.HasAudience(material.Parents) {
			continue
		}
		score := lix(plainText(m.Summary + "\n\n" + m.Body))
		t.Logf("LIX %4.1f  %s", score, m.Slug)
		if score > 40 {
			t.Errorf("%s: LIX %.1f; parent material should be easy to read (about 30 to 35)", m.Slug, score)
		}
	}
}

func TestMediaFiles(t *testing.T) {
	c := mustLoad(t)
	fsys := Files()
	var total int64
	err := fs.WalkDir(fsys, "media", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxTotalMedia {
		t.Errorf("media take %d bytes, want at most %d", total, maxTotalMedia)
	}

	used := map[string]bool{}
	for _, it := range c.Items {
		slug := it.Material.Slug
		if it.Cover != "" {
			used[it.Cover] = true
			checkImage(t, slug, it.Cover, maxCover, 1200)
		}
		if it.Poster != "" {
			used[it.Poster] = true
			checkImage(t, slug, it.Poster, maxPoster, 320)
		}
		if it.Video != "" {
			used[it.Video] = true
			checkSize(t, slug, it.Video, maxVideo)
		}
		if it.Captions != "" {
			used[it.Captions] = true
			checkSize(t, slug, it.Captions, maxCaptions)
		}
		for _, a := range it.Attachments {
			used[a.Path] = true
			data := checkSize(t, slug, a.Path, maxAttachment)
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Errorf("%s: %s does not start with %%PDF-", slug, a.Path)
			}
			if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
				t.Errorf("%s: %s does not end with %%%%EOF", slug, a.Path)
			}
		}
	}
	entries, err := fs.ReadDir(fsys, "media")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !used[path.Join("media", e.Name())] {
			t.Errorf("media/%s is used by no material; remove it to keep the binary small", e.Name())
		}
	}
}

func checkSize(t *testing.T, slug, p string, limit int) []byte {
	t.Helper()
	data, err := fs.ReadFile(Files(), p)
	if err != nil {
		t.Errorf("%s: %v", slug, err)
		return nil
	}
	if len(data) > limit {
		t.Errorf("%s: %s has %d bytes, want at most %d", slug, p, len(data), limit)
	}
	return data
}

func checkImage(t *testing.T, slug, p string, limit, minWidth int) {
	t.Helper()
	data := checkSize(t, slug, p, limit)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: %s: %v", slug, p, err)
		return
	}
	if format != "jpeg" || cfg.Width < minWidth || cfg.Width < cfg.Height {
		t.Errorf("%s: %s is a %dx%d %s, want a landscape JPEG at least %d wide", slug, p, cfg.Width,
			cfg.Height, format, minWidth)
	}
}

func TestFilms(t *testing.T) {
	films := 0
	for _, it := range mustLoad(t).Items {
		m := it.Material
		if m.Kind != material.Film {
			continue
		}
		films++
		if it.Video == "" {
			continue // an external film brings its own captions
		}
		if it.Captions == "" || it.Poster == "" || m.Transcript == "" {
			t.Errorf("%s: an uploaded film needs captions, a poster and a transcript", m.Slug)
			continue
		}
		data, err := fs.ReadFile(Files(), it.Captions)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("WEBVTT\n")) {
			t.Errorf("%s: captions do not start with a WEBVTT line", m.Slug)
		}
		cues, err := parseVTT(string(data))
		if err != nil {
			t.Fatalf("%s: captions: %v", m.Slug, err)
		}
		danish := false
		var said []string
		for i, c := range cues {
			if i > 0 && c.Start <= cues[i-1].Start {
				t.Errorf("%s: cue %d does not start after cue %d", m.Slug, i+1, i)
			}
			for _, line := range strings.Split(c.Text, "\n") {
				if n := utf8.RuneCountInString(line); n > 42 {
					t.Errorf("%s: cue %d has a line of %d characters; keep caption lines to 42", m.Slug, i+1, n)
				}
			}
			if strings.ContainsAny(c.Text, "æøåÆØÅ") {
				danish = true
			}
			said = append(said, c.Text)
		}
		if !danish {
			t.Errorf("%s: the captions have no Danish letters; are they in Danish?", m.Slug)
		}
		if got, want := strings.Join(strings.Fields(strings.Join(said, " ")),
			" "), strings.Join(strings.Fields(m.Transcript), " "); got != want {
			t.Errorf("%s: captions and transcript differ:\ncaptions:   %s\ntranscript: %s", m.Slug, got, want)
		}

		video, err := fs.ReadFile(Files(), it.Video)
		if err != nil {
			t.Fatal(err)
		}
		length, err := mp4Duration(video)
		if err != nil {
			t.Fatalf("%s: %s: %v", m.Slug, it.Video, err)
		}
		if length < 30*time.Second || length > 90*time.Second {
			t.Errorf("%s: the film lasts %v, want a short film", m.Slug, length)
		}
		if last := cues[len(cues)-1].End; last > length {
			t.Errorf("%s: the last cue ends at %v, after the film ends at %v", m.Slug, last, length)
		}
	}
	if films == 0 {
		t.Error("no films")
	}
}

// mp4Duration reads the length of an MP4 film from its movie header.
func mp4Duration(data []byte) (time.Duration, error) {
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		return 0, errors.New("not an MP4 file: no ftyp box first")
	}
	moov, ok := mp4Box(data, "moov")
	if !ok {
		return 0, errors.New("no moov box")
	}
	mvhd, ok := mp4Box(moov, "mvhd")
	if !ok || len(mvhd) < 32 {
		return 0, errors.New("no movie header")
	}
	var scale, units uint64
	if mvhd[0] == 1 {
		scale = uint64(binary.BigEndian.Uint32(mvhd[20:24]))
		units = binary.BigEndian.Uint64(mvhd[24:32])
	} else {
		scale = uint64(binary.BigEndian.Uint32(mvhd[12:16]))
		units = uint64(binary.BigEndian.Uint32(mvhd[16:20]))
	}
	if scale == 0 {
		return 0, errors.New("movie header has time scale 0")
	}
	return time.Duration(units * uint64(time.Second) / scale), nil
}

// mp4Box returns the contents of the first box of the given type in data.
func mp4Box(data []byte, typ string) ([]byte, bool) {
	for len(data) >= 8 {
		size := uint64(binary.BigEndian.Uint32(data[:4]))
		head := uint64(8)
		switch size {
		case 0:
			size = uint64(len(data))
		case 1:
			if len(data) < 16 {
				return nil, false
			}
			size, head = binary.BigEndian.Uint64(data[8:16]), 16
		}
		if size < head || size > uint64(len(data)) {
			return nil, false
		}
		if string(data[4:8]) == typ {
			return data[head:size], true
		}
		data = data[size:]
	}
	return nil, false
}

// plainText strips the Markdown markup that matters for counting words and
// sentences. Headings, list items and table cells count as sentences.
func plainText(md string) string {
	links := regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	footnote := regexp.MustCompile(`\[\^[^\]]+\]:?`)
	md = links.ReplaceAllString(md, "$1")
	md = footnote.ReplaceAllString(md, "")
	var out []string
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "|") && strings.Trim(line, "|-: ") == "" {
			continue // a table's separator row
		}
		for _, cell := range strings.Split(line, "|") {
			cell = strings.TrimLeft(strings.TrimSpace(cell), "#->*0123456789. ")
			cell = strings.NewReplacer("**", "", "*", "", "`", "").Replace(cell)
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			if !strings.ContainsAny(cell[len(cell)-1:], ".!?:") {
				cell += "."
			}
			out = append(out, cell)
		}
	}
	return strings.Join(out, " ")
}

// lix is the Scandinavian readability index: words per sentence plus the
// percentage of words longer than six letters.
func lix(text string) float64 {
	words, long, sentences := 0, 0, 0
	for _, w := range strings.Fields(text) {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				letters++
			}
		}
		if letters > 0 {
			words++
			if letters > 6 {
				long++
			}
		}
		if strings.ContainsAny(w[len(w)-1:], ".!?:") {
			sentences++
		}
	}
	if words == 0 {
		return 0
	}
	if sentences == 0 || !strings.ContainsAny(text[len(text)-1:], ".!?:") {
		sentences++ // the last sentence needs no full stop
	}
	return float64(words)/float64(sentences) + 100*float64(long)/float64(words)
}

func TestLix(t *testing.T) {
	easy := lix("Vi går i skole. Det er sjovt. Vi leger i frikvarteret.")
	hard := lix("Forældresamarbejdets organisatoriske rammebetingelser forudsætter systematisk " +
		"implementering af kommunikationsstrategier på tværs af institutionerne")
	if easy >= 30 || hard <= 60 {
		t.Errorf("lix: easy text %.1f, hard text %.1f", easy, hard)
	}
}

// The rest of the tests feed the validators broken input, to show that they
// catch what the tests above rely on them to catch.

func TestCheckBody(t *testing.T) {
	good := "Intro.\n\n## Før\n\nTekst med [skolens kalender](https://aula.dk/) og en fodnote.[^1]\n\n### Detalje\n\n" +
		"```\n# ikke en overskrift\n[her](https://example.dk/)\n```\n\n## Efter\n\n| a | b " +
		"|\n|---|---|\n| 1 | 2 |\n\n---\n\n[^1]: En note.\n"
	if err := checkBody(good); err != nil {
		t.Errorf("good body: %v", err)
	}
	bad := map[string]string{
		"h1":              "# Titel\n\nTekst.",
		"starts at h3":    "### For dybt\n\nTekst.",
		"skips a level":   "## To\n\n#### Fire\n",
		"setext h1":       "Overskrift\n==========\n\nTekst.",
		"setext h2":       "Overskrift\n---\n\nTekst.",
		"klik her":        "Se aftalerne [klik her](https://aula.dk/).",
		"Læs mere":        "Om trivsel. [Læs mere](https://emu.dk/)",
		"her":             "Find den [her](https://emu.dk/).",
		"emphasised her":  "Find den [**her**](https://emu.dk/).",
		"reference her":   "Find den [her][1].\n\n[1]: https://emu.dk/",
		"empty link":      "Find den [](https://emu.dk/).",
		"image no alt":    "![](billede.jpg)",
		"bad destination": "Se [skolens side](javascript:alert(1)).",
		"unclosed fence":  "```\nkode\n",
	}
	for name, body := range bad {
		if err := checkBody(body); err == nil {
			t.Errorf("%s: checkBody accepted %q", name, body)
		}
	}
}

func TestParseVTT(t *testing.T) {
	good := "WEBVTT\n\nNOTE made by hand\n\n1\n00:00.500 --> 00:02.000\nGod " +
		"morgen.\n\n00:00:02.000 --> 00:00:04.250 line:80%\nHvordan går det i skolen?\nGodt.\n"
	cues, err := parseVTT(good)
	if err != nil {
		t.Fatalf("good captions: %v", err)
	}
	if len(cues) != 2 || cues[0].Start != 500*time.Millisecond || cues[1].End != 4250*time.Millisecond ||
		cues[1].Text != "Hvordan går det i skolen?\nGodt." {
		t.Errorf("good captions parsed as %+v", cues)
	}
	bad := map[string]string{
		"no header":     "1\n00:00.000 --> 00:01.000\nHej.\n",
		"wrong header":  "WEBVTTX\n\n00:00.000 --> 00:01.000\nHej.\n",
		"no cues":       "WEBVTT\n",
		"no blank line": "WEBVTT\n00:00.000 --> 00:01.000\nHej.\n",
		"comma":         "WEBVTT\n\n00:00,000 --> 00:01,000\nHej.\n",
		"ends early":    "WEBVTT\n\n00:02.000 --> 00:01.000\nHej.\n",
		"zero length":   "WEBVTT\n\n00:01.000 --> 00:01.000\nHej.\n",
		"out of order":  "WEBVTT\n\n00:05.000 --> 00:06.000\nHej.\n\n00:01.000 --> 00:02.000\nDav.\n",
		"overlap":       "WEBVTT\n\n00:01.000 --> 00:03.000\nHej.\n\n00:02.000 --> 00:04.000\nDav.\n",
		"no text":       "WEBVTT\n\n00:01.000 --> 00:02.000\n",
		"bad minutes":   "WEBVTT\n\n00:61.000 --> 00:62.000\nHej.\n",
		"id only":       "WEBVTT\n\nfirst\n",
	}
	for name, src := range bad {
		if _, err := parseVTT(src); err == nil {
			t.Errorf("%s: parseVTT accepted %q", name, src)
		}
	}
}

func TestSplitFrontMatter(t *testing.T) {
	front, body, err := splitFrontMatter("---\r\nkind: link\r\n---\r\nTekst.\r\n")
	if err != nil || front != "kind: link\n" || body != "Tekst.\n" {
		t.Errorf("got %q, %q, %v", front, body, err)
	}
	for _, src := range []string{"kind: link\n", "---\nkind: link\n", "--- \nkind: link\n---\n"} {
		if _, _, err := splitFrontMatter(src); err == nil {
			t.Errorf("splitFrontMatter accepted %q", src)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	var v []Theme
	if err := decodeStrict([]byte("- slug: a\n  name: A\n  description: B\n"), &v); err != nil || len(v) != 1 {
		t.Errorf("good YAML: %v, %v", v, err)
	}
	for _, src := range []string{"", "- slug: a\n---\n- slug: b\n", "- slug: a\n  colour: red\n", "- [\n"} {
		if err := decodeStrict([]byte(src), &v); err == nil {
			t.Errorf("decodeStrict accepted %q", src)
		}
	}
}

// baseFS is a copy of the embedded collection that tests can break.
func baseFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(Files(), p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A small, valid material of each kind, to be broken one way at a time.
const (
	okArticle = "---\nkind: article\ntitle: En prøve\nsummary: Kort.\naudiences: " +
		"[parents]\nthemes: [trivsel]\nlanguage: da\npublished: 2026-09-01\n---\n## Afsnit\n\nTekst.\n"
	okFilm = "---\nkind: film\ntitle: En prøvefilm\nsummary: Kort.\naudiences: " +
		"[parents]\nthemes: [trivsel]\nlanguage: da\nvideo: " +
		"media/film-fire-gode-vaner.mp4\ncaptions: " +
		"media/film-fire-gode-vaner.vtt\ntranscript: Hej.\npublished: 2026-09-01\n---\nOm filmen.\n"
	okLink = "---\nkind: link\ntitle: Et prøvelink\nsummary: Kort.\naudiences: " +
		"[parents]\nthemes: [trivsel]\nlanguage: da\nlink_url: https://emu.dk/\nlink_publisher: " +
		"EMU\npublished: 2026-09-01\n---\nDerfor.\n"
	okGuide = "---\nkind: guide\ntitle: En prøveguide\nsummary: Kort.\naudiences: " +
		"[parents]\nthemes: [trivsel]\nlanguage: da\nattachments:\n  - file: " +
		"media/god-tone-paa-aula.pdf\n    title: Vanerne\npublished: 2026-09-01\n---\nSådan.\n"
)

func TestLoadRejectsBrokenCollections(t *testing.T) {
	base := baseFS(t)
	if _, err := load(base); err != nil {
		t.Fatalf("the unbroken copy does not load: %v", err)
	}
	for _, src := range []string{okArticle, okFilm, okLink, okGuide} {
		fsys := baseFS(t)
		fsys["materials/zz-proeve.md"] = &fstest.MapFile{Data: []byte(src)}
		if _, err := load(fsys); err != nil {
			t.Fatalf("the valid test material does not load: %v\n%s", err, src)
		}
	}

	replace := func(src, old, new string) string {
		if !strings.Contains(src, old) {
			t.Fatalf("test setup: %q not in %q", old, src)
		}
		return strings.Replace(src, old, new, 1)
	}
	long := strings.Repeat("Meget lang. ", 30)
	cases := []struct {
		name, material, want string
	}{
		{"unknown field", replace(okArticle, "language: da\n", "language: da\ncolour: blue\n"), "colour"},
		{"no front matter", "## Afsnit\n\nTekst.\n", "no front matter"},
		{"unknown kind", replace(okArticle, "kind: article", "kind: podcast"), "error.kind"},
		{"unknown theme", replace(okArticle, "themes: [trivsel]", "themes: [trivsel, haver]"),
			`no theme has the slug "haver"`},
		{"no theme", replace(okArticle, "themes: [trivsel]", "themes: []"), "at least one theme"},
		{"unknown school", replace(okArticle, "language: da\n", "language: da\nschool: nowhere\n"),
			`no school has the slug "nowhere"`},
		{"unknown audience", replace(okArticle, "[parents]", "[pupils]"), "error.audience"},
		{"no audience", replace(okArticle, "[parents]", "[]"), "error.audience_required"},
		{"twice the audience", replace(okArticle, "[parents]", "[parents, parents]"), "listed twice"},
		{"unknown grade", replace(okArticle, "language: da\n", "language: da\ngrades: [\"10\"]\n"), "error.grade"},
		{"summary too long", replace(okArticle, "summary: Kort.", "summary: "+long), "error.summary_too_long"},
		{"summary with markup", replace(okArticle, "summary: Kort.",
			"summary: Kort [link](https://emu.dk/)."), "plain text"},
		{"no language", replace(okArticle, "language: da\n", ""), "language: required"},
		{"bad date", replace(okArticle, "2026-09-01", "2026-13-01"), "published"},
		{"no date", replace(okArticle, "published: 2026-09-01\n", ""), "published"},
		{"empty body", replace(okArticle, "## Afsnit\n\nTekst.\n", "\n"), "body"},
		{"h1 in body", replace(okArticle, "## Afsnit", "# Afsnit"), "level 1 heading"},
		{"skipped heading", replace(okArticle, "Tekst.\n", "Tekst.\n\n#### Dybt\n"), "jumps from level 2 to 4"},
		{"klik her", replace(okArticle, "Tekst.", "Se [klik her](https://emu.dk/)."), "does not say where"},
		{"læs mere", replace(okArticle, "Tekst.", "[Læs mere](https://emu.dk/)"), "does not say where"},
		{"cover without alt", replace(okArticle, "language: da\n",
			"language: da\ncover: media/cover-trivsel.jpg\n"), "error.alt_required"},
		{"alt without cover", replace(okArticle, "language: da\n",
			"language: da\ncover_alt: Et billede af intet.\n"), "no cover to describe"},
		{"missing cover", replace(okArticle, "language: da\n",
			"language: da\ncover: media/nope.jpg\ncover_alt: Et billede.\n"), "read media"},
		{"cover outside media", replace(okArticle, "language: da\n",
			"language: da\ncover: ../themes.yaml\ncover_alt: Et billede.\n"), "not a clean path"},
		{"cover is a PDF", replace(okArticle, "language: da\n",
			"language: da\ncover: media/god-tone-paa-aula.pdf\ncover_alt: Et billede.\n"), "not allowed here"},
		{"video field on article", replace(okArticle, "language: da\n",
			"language: da\nvideo: media/film-fire-gode-vaner.mp4\n"), "only a film has this field"},
		{"film without captions", replace(okFilm, "captions: media/film-fire-gode-vaner.vtt\n", ""),
			"error.captions_required"},
		{"film without transcript", replace(okFilm, "transcript: Hej.\n", ""), "error.transcript_required"},
		{"film without video", replace(okFilm,
			"video: media/film-fire-gode-vaner.mp4\ncaptions: "+
				"media/film-fire-gode-vaner.vtt\n", ""), "error.video_required"},
		{"film with both videos", replace(okFilm, "transcript:",
			"external_url: https://vimeo.com/123456\ntranscript:"), "not both"},
		{"film with bad external URL", replace(okFilm,
			"video: media/film-fire-gode-vaner.mp4\ncaptions: "+
				"media/film-fire-gode-vaner.vtt\n", "external_url: https://example.dk/film\n"), "error.video_url"},
		{"captions are not WebVTT", replace(okFilm, "captions: media/film-fire-gode-vaner.vtt",
			"captions: media/broken.vtt"), "WEBVTT"},
		{"video is a picture", replace(okFilm, "video: media/film-fire-gode-vaner.mp4",
			"video: media/fake.mp4"), "holds image/jpeg"},
		{"link without URL", replace(okLink, "link_url: https://emu.dk/\n", ""), "error.url"},
		{"link with bad URL", replace(okLink, "https://emu.dk/", "emu.dk"), "error.url"},
		{"link without publisher", replace(okLink, "link_publisher: EMU\n", ""), "link_publisher"},
		{"attachment without title", replace(okGuide, "    title: Vanerne\n", ""), "error.attachment_title"},
		{"attachment without file", replace(okGuide, "  - file: media/god-tone-paa-aula.pdf\n",
			"  - file: \"\"\n"), "file is required"},
		{"attachment is not a PDF", replace(okGuide, "media/god-tone-paa-aula.pdf", "media/fake.pdf"),
			"holds text/plain"},
		{"attachments on a link", replace(okLink, "language: da\n",
			"language: da\nattachments:\n  - file: media/god-tone-paa-aula.pdf\n    title: "+
				"X\n"), "only a guide has this field"},
		{"same slug as another", replace(okArticle, "title: En prøve",
			"title: \"Klasseforældrerådet: forældre, der gør en forskel for klassen\""), "already has"},
		{"second front matter block", replace(okArticle, "published: 2026-09-01\n",
			"published: 2026-09-01\n---\nkind: link\n"), "setext"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := baseFS(t)
			fsys["materials/zz-proeve.md"] = &fstest.MapFile{Data: []byte(tc.material)}
			fsys["media/broken.vtt"] = &fstest.MapFile{Data: []byte("00:00.000 --> 00:01.000\nHej.\n")}
			fsys["media/fake.mp4"] = fsys["media/cover-trivsel.jpg"]
			fsys["media/fake.pdf"] = &fstest.MapFile{Data: []byte("Ikke en PDF.\n")}
			_, err := load(fsys)
			if err == nil {
				t.Fatalf("load accepted:\n%s", tc.material)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestLoadRejectsBrokenThemesAndSchools(t *testing.T) {
	cases := []struct {
		name, file, data, want string
	}{
		{"unknown theme field", "themes.yaml",
			"- slug: trivsel\n  name: Trivsel\n  description: Om trivsel.\n  colour: green\n", "colour"},
		{"bad theme slug", "themes.yaml", "- slug: Trivsel\n  name: Trivsel\n  description: Om trivsel.\n",
			"not lowercase"},
		{"theme twice", "themes.yaml",
			"- slug: trivsel\n  name: Trivsel\n  description: Om trivsel.\n- slug: trivsel\n  " +
				"name: Trivsel\n  description: Igen.\n", "used twice"},
		{"theme without name", "themes.yaml", "- slug: trivsel\n  description: Om trivsel.\n", "name and description"},
		{"no themes", "themes.yaml", "[]\n", "no themes"},
		{"school with bad URL", "schools.yaml",
			"- slug: eksempelskolen\n  name: Eksempelskolen\n  url: example.dk\n", "not a web address"},
		{"unknown school field", "schools.yaml",
			"- slug: eksempelskolen\n  name: Eksempelskolen\n  address: Vejen 1\n", "address"},
		{"not a list", "schools.yaml", "slug: eksempelskolen\n", "decode YAML"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := baseFS(t)
			fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.data)}
			_, err := load(fsys)
			if err == nil {
				t.Fatalf("load accepted %s:\n%s", tc.file, tc.data)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestFilesHoldsTheMedia(t *testing.T) {
	c := mustLoad(t)
	for _, it := range c.Items {
		for _, p := range []string{it.Cover, it.Video, it.Captions, it.Poster} {
			if p == "" {
				continue
			}
			if _, err := fs.Stat(Files(), p); err != nil {
				t.Errorf("%s: %v", it.Material.Slug, err)
			}
		}
	}
	if err := fstest.TestFS(Files(), "themes.yaml", "schools.yaml", "media/film-fire-gode-vaner.mp4"); err != nil {
		t.Errorf("Files: %v", err)
	}
}

func ExampleLoad() {
	c, err := Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(c.Themes) > 0, len(c.Items) > 0)
	// Output: true true
}
