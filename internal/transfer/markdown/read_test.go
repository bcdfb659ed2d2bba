package markdown

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// now is the time the tests read at: after every fixture's date, before
// the scheduled ones.
var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func readSite(t *testing.T) *transfer.Bundle {
	t.Helper()
	b, err := ReadDir(context.Background(), os.DirFS("testdata/site"), Options{Source: "markdown:site", Now: now})
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	checkBundle(t, b)
	return b
}

// checkBundle checks what holds for every bundle: every material
// validates, every problem has a text in both languages, and every theme
// an item names is in the bundle.
func checkBundle(t *testing.T, b *transfer.Bundle) {
	t.Helper()
	themes := map[string]bool{}
	for _, th := range b.Themes {
		if !material.ValidSlug(th.Slug) || th.Name == "" || themes[th.Key] {
			t.Errorf("theme %+v: bad slug, no name or listed twice", th)
		}
		themes[th.Key] = true
	}
	for _, it := range b.Items {
		m := it.Material
		if p := material.Validate(&m); p != nil {
			t.Errorf("%s: material does not validate: %v", it.Where, p)
		}
		if !material.ValidSlug(m.Slug) {
			t.Errorf("%s: slug %q is not valid", it.Where, m.Slug)
		}
		for _, k := range it.ThemeKeys {
			if !themes[k] {
				t.Errorf("%s: theme key %q is not in the bundle", it.Where, k)
			}
		}
	}
	for _, p := range slices.Concat(b.Problems, b.Refused) {
		key := "import.problem." + p.Code
		for _, lang := range []i18n.Lang{i18n.Danish, i18n.English} {
			msg := i18n.T(lang, key, p.Detail)
			if msg == key || strings.Contains(msg, "%!") {
				t.Errorf("%s: problem %q has no proper %s text: %q", p.Where, p.Code, lang, msg)
			}
		}
	}
}

func itemByKey(t *testing.T, b *transfer.Bundle, key string) transfer.Item {
	t.Helper()
	for _, it := range b.Items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no item %q; have %v", key, keysOf(b))
	return transfer.Item{}
}

func keysOf(b *transfer.Bundle) []string {
	var keys []string
	for _, it := range b.Items {
		keys = append(keys, it.Key)
	}
	return keys
}

func problemsOf(list []transfer.Problem) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.Where+" "+p.Code+" "+p.Detail)
	}
	return out
}

func TestReadDirSite(t *testing.T) {
	b := readSite(t)
	if b.Source != "markdown:site" {
		t.Errorf("Source = %q", b.Source)
	}
	want := []string{
		"file:_drafts/ny-ide.md",
		"file:content/arkiv/emu.md",
		"file:content/arkiv/kommende.md",
		"file:content/arkiv/uden-forside.md",
		"file:content/arkiv/udloebet.md",
		"file:content/posts/2016-12-05-trivsel-i-klassen.md",
		"file:content/posts/foerste-skoledag/index.md",
		"file:content/posts/skolestart-paa-oerestad.md",
		"file:content/vejledninger/foraeldremoede.md",
		"file:content/vejledninger/trivsel-i-klassen.md",
	}
	if got := keysOf(b); !slices.Equal(got, want) {
		t.Errorf("items:\n got %q\nwant %q", got, want)
	}

	refused := []string{
		"content/arkiv/brudt-yaml.md bad-front-matter",
		"content/arkiv/foto.md not-markdown image/jpeg",
		"content/arkiv/ikke-lukket.md front-matter-open ---",
		"content/arkiv/latin1.md not-utf8 35",
	}
	got := problemsOf(b.Refused)
	if len(got) != len(refused) {
		t.Fatalf("refused:\n got %q\nwant %q", got, refused)
	}
	for i := range refused {
		if !strings.HasPrefix(got[i], refused[i]) {
			t.Errorf("refused[%d] = %q, want it to start with %q", i, got[i], refused[i])
		}
	}

	wantProblems := []string{
		"README.md skipped README.md",
		"content/arkiv/uden-forside.md no-date",
		"content/arkiv/udloebet.md expired 2015-06-01",
		"content/posts/2016-12-05-trivsel-i-klassen.md unknown-key author",
		"content/posts/2016-12-05-trivsel-i-klassen.md unknown-key layout",
		"content/vejledninger/foraeldremoede.md unknown-key weight",
		"content/vejledninger/trivsel-i-klassen.md missing-file mangler.jpg",
		"content/vejledninger/trivsel-i-klassen.md duplicate-slug trivsel-i-klassen → trivsel-i-klassen-2",
	}
	got = problemsOf(b.Problems)
	if len(got) != len(wantProblems) {
		t.Fatalf("problems:\n got %q\nwant %q", got, wantProblems)
	}
	for i := range wantProblems {
		if !strings.HasPrefix(got[i], wantProblems[i]) {
			t.Errorf("problems[%d] = %q, want it to start with %q", i, got[i], wantProblems[i])
		}
	}
}

func TestReadDirJekyllPost(t *testing.T) {
	it := itemByKey(t, readSite(t), "file:content/posts/2016-12-05-trivsel-i-klassen.md")
	m := it.Material
	if m.Title != "Trivsel i klassen: sådan taler I om det 😊" || m.Slug != "trivsel-i-klassen" {
		t.Errorf("title %q, slug %q", m.Title, m.Slug)
	}
	// The date comes from the file name, at midnight in Copenhagen.
	if want := time.Date(2016, 12, 4, 23, 0, 0, 0, time.UTC); !m.PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", m.PublishedAt, want)
	}
	if m.Status != material.Published || m.Kind != material.Article || m.Language != "da" {
		t.Errorf("status %s, kind %s, language %s", m.Status, m.Kind, m.Language)
	}
	if !slices.Equal(m.Audiences, []material.Audience{material.Parents, material.Teachers}) {
		t.Errorf("audiences %v", m.Audiences)
	}
	if want := []string{"category:foraeldre", "tag:trivsel", "tag:skole-hjem"}; !slices.Equal(it.ThemeKeys, want) {
		t.Errorf("themes %v, want %v", it.ThemeKeys, want)
	}
	if !strings.HasPrefix(m.Summary, "Fem gode spørgsmål") ||
		!slices.Equal(it.OldPaths, []string{"/2016/12/trivsel/"}) {
		t.Errorf("summary %q, old paths %v", m.Summary, it.OldPaths)
	}
}

func TestReadDirDatesAndImages(t *testing.T) {
	b := readSite(t)

	it := itemByKey(t, b, "file:content/posts/skolestart-paa-oerestad.md")
	m := it.Material
	// "2016-08-08 10:00" has no zone: Copenhagen summer time, UTC+2.
	if want := time.Date(2016, 8, 8, 8, 0, 0, 0, time.UTC); !m.PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", m.PublishedAt, want)
	}
	if want := time.Date(2016, 8, 9, 10, 30, 0, 0, time.UTC); !m.UpdatedAt.Equal(want) {
		t.Errorf("UpdatedAt = %v, want %v", m.UpdatedAt, want)
	}
	if !slices.Equal(it.OldPaths, []string{"/nyheder/skolestart/", "/?p=123"}) {
		t.Errorf("old paths %v", it.OldPaths)
	}
	if len(it.Inline) != 1 || it.Inline[0].Key != "file:static/images/logo.png" ||
		!strings.Contains(m.Body, "![Logoet]("+transfer.InlineRef(0)+")") {
		t.Errorf("inline %+v, body %q", it.Inline, m.Body)
	}
	if !slices.Equal(m.GradeBands, []material.GradeBand{material.Grades0to3}) {
		t.Errorf("grades %v", m.GradeBands)
	}

	guide := itemByKey(t, b, "file:content/vejledninger/foraeldremoede.md").Material
	// A TOML local date and time, in Copenhagen winter time, UTC+1.
	if want := time.Date(2016, 12, 5, 18, 30, 0, 0, time.UTC); !guide.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", guide.CreatedAt, want)
	}
	if guide.Status != material.Draft || !guide.PublishedAt.IsZero() || guide.Kind != material.Guide {
		t.Errorf("draft guide: status %s, published %v, kind %s", guide.Status, guide.PublishedAt, guide.Kind)
	}

	later := itemByKey(t, b, "file:content/arkiv/kommende.md").Material
	if later.Status != material.Scheduled ||
		!later.ScheduledAt.Equal(time.Date(2099, 5, 1, 7, 0, 0, 0, time.UTC)) ||
		!later.UnpublishAt.Equal(time.Date(2099, 12, 30, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("scheduled: status %s at %v until %v", later.Status, later.ScheduledAt, later.UnpublishAt)
	}
	if gone := itemByKey(t, b, "file:content/arkiv/udloebet.md").Material; gone.Status != material.Unpublished {
		t.Errorf("expired: status %s", gone.Status)
	}
	if d := itemByKey(t, b, "file:_drafts/ny-ide.md").Material; d.Status != material.Draft {
		t.Errorf("Jekyll draft: status %s", d.Status)
	}
	link := itemByKey(t, b, "file:content/arkiv/emu.md").Material
	if link.Kind != material.Link || link.LinkURL != "https://emu.dk/" || link.LinkPublisher != "emu.dk" {
		t.Errorf("link: %s %q %q", link.Kind, link.LinkURL, link.LinkPublisher)
	}
	plain := itemByKey(t, b, "file:content/arkiv/uden-forside.md").Material
	if plain.Title != "Gamle regler for mobiltelefoner" || strings.Contains(plain.Body, "# Gamle") {
		t.Errorf("title from the heading: %q, body %q", plain.Title, plain.Body)
	}
}

func TestReadDirPageBundle(t *testing.T) {
	b := readSite(t)
	it := itemByKey(t, b, "file:content/posts/foerste-skoledag/index.md")
	if it.Material.Slug != "foerste-skoledag" {
		t.Errorf("slug %q, want the folder's name", it.Material.Slug)
	}
	if it.Cover == nil || it.Cover.Key != "file:content/posts/foerste-skoledag/forside.jpg" ||
		it.Cover.Alt != "Børn med skoletasker foran skolen" || it.Material.CoverAlt != it.Cover.Alt {
		t.Fatalf("cover %+v, cover alt %q", it.Cover, it.Material.CoverAlt)
	}
	data := openAll(t, *it.Cover)
	if !strings.HasPrefix(string(data), "\xff\xd8\xff") {
		t.Errorf("cover opens as %q, want the JPEG", data)
	}
	// The same image twice is one inline file; the one in code is not.
	if len(it.Inline) != 1 || it.Inline[0].Alt != "Klassen ved tavlen" {
		t.Fatalf("inline %+v", it.Inline)
	}
	if n := strings.Count(it.Material.Body, transfer.InlineRef(0)); n != 2 ||
		!strings.Contains(it.Material.Body, "](kode.png)") {
		t.Errorf("body %q", it.Material.Body)
	}
	if !strings.HasPrefix(string(openAll(t, it.Inline[0])), "\x89PNG") {
		t.Error("inline image does not open as the PNG")
	}

	missing := itemByKey(t, b, "file:content/vejledninger/trivsel-i-klassen.md")
	if missing.Material.Slug != "trivsel-i-klassen-2" {
		t.Errorf("the second file that wants trivsel-i-klassen has the slug %q", missing.Material.Slug)
	}
	if missing.Cover == nil {
		t.Fatal("a cover that is missing is still named, so Apply reports it")
	}
	if _, err := missing.Cover.Open(context.Background()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("opening a missing cover: %v, want fs.ErrNotExist", err)
	}
}

func openAll(t *testing.T, f transfer.File) []byte {
	t.Helper()
	rc, err := f.Open(context.Background())
	if err != nil {
		t.Fatalf("open %s: %v", f.Key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadDirNoMarkdown(t *testing.T) {
	fsys := fstest.MapFS{
		"billede.jpg":         {Data: []byte("\xff\xd8\xff")},
		"noter.txt":           {Data: []byte("---\ntitle: x\n---\n")},
		".git/HEAD.md":        {Data: []byte("---\ntitle: skjult\n---\n")},
		"layouts/skabelon.md": {Data: []byte("---\ntitle: skabelon\n---\n")},
	}
	_, err := ReadDir(context.Background(), fsys, Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "no Markdown files") {
		t.Errorf("err = %v, want one that says the folder holds no Markdown", err)
	}
}

func TestReadDirCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ReadDir(ctx, os.DirFS("testdata/site"), Options{Now: now})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// readOne reads a folder with one file and returns the bundle.
func readOne(t *testing.T, name, src string, opts Options) *transfer.Bundle {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	b, err := ReadDir(context.Background(), fstest.MapFS{name: {Data: []byte(src), ModTime: now}}, opts)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	checkBundle(t, b)
	return b
}

func TestReadDirFiles(t *testing.T) {
	tests := []struct {
		name, file, src string
		opts            Options
		refused         string // the refusal's code, "" for an item
		check           func(t *testing.T, it transfer.Item)
	}{{
		name: "RFC 3339 with zone", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-12-05T10:00:00+02:00\n---\nTekst.\n",
		check: func(t *testing.T, it transfer.Item) {
			if !it.Material.PublishedAt.Equal(time.Date(2016, 12, 5, 8, 0, 0, 0, time.UTC)) {
				t.Errorf("PublishedAt %v", it.Material.PublishedAt)
			}
		},
	}, {
		name: "TOML date with zone", file: "a.md",
		src: "+++\ntitle = 'A'\ndate = 2016-12-05T10:00:00Z\n+++\nTekst.\n",
		check: func(t *testing.T, it transfer.Item) {
			if !it.Material.PublishedAt.Equal(time.Date(2016, 12, 5, 10, 0, 0, 0, time.UTC)) {
				t.Errorf("PublishedAt %v", it.Material.PublishedAt)
			}
		},
	}, {
		name: "zone from the options", file: "a.md",
		src:  "---\ntitle: A\ndate: 2016-12-05 10:00\n---\nTekst.\n",
		opts: Options{Location: time.UTC},
		check: func(t *testing.T, it transfer.Item) {
			if !it.Material.PublishedAt.Equal(time.Date(2016, 12, 5, 10, 0, 0, 0, time.UTC)) {
				t.Errorf("PublishedAt %v", it.Material.PublishedAt)
			}
		},
	}, {
		name: "Jekyll published false", file: "a.md",
		src: "---\ntitle: A\npublished: false\ndate: 2016-01-01\n---\nTekst.\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Material.Status != material.Draft {
				t.Errorf("status %s", it.Material.Status)
			}
		},
	}, {
		name: "draft written as a string", file: "a.md",
		src: "---\ntitle: A\ndraft: \"true\"\ndate: 2016-01-01\n---\nTekst.\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Material.Status != material.Draft {
				t.Errorf("status %s", it.Material.Status)
			}
		},
	}, {
		name: "default audiences from the options", file: "a.md",
		src:  "---\ntitle: A\ndate: 2016-01-01\n---\nTekst.\n",
		opts: Options{Audiences: []material.Audience{material.Leaders, material.SchoolBoard}},
		check: func(t *testing.T, it transfer.Item) {
			if !slices.Equal(it.Material.Audiences, []material.Audience{material.Leaders, material.SchoolBoard}) {
				t.Errorf("audiences %v", it.Material.Audiences)
			}
		},
	}, {
		name: "slug key, emoji and Danish letters", file: "x.md",
		src: "---\ntitle: Hej\nslug: \"Søskende & skole 🎉\"\ndate: 2016-01-01\n---\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Material.Slug != "soeskende-skole" {
				t.Errorf("slug %q", it.Material.Slug)
			}
		},
	}, {
		name: "slug from url", file: "x.md",
		src: "---\ntitle: Hej\nurl: /gamle/sider/side-om-noget.html\ndate: 2016-01-01\n---\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Material.Slug != "side-om-noget" ||
				!slices.Equal(it.OldPaths, []string{"/gamle/sider/side-om-noget.html"}) {
				t.Errorf("slug %q, old paths %v", it.Material.Slug, it.OldPaths)
			}
		},
	}, {
		name: "long description is shortened", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\ndescription: " + strings.Repeat("ord ", 100) + "\n---\n",
		check: func(t *testing.T, it transfer.Item) {
			s := it.Material.Summary
			if n := len([]rune(s)); n > material.SummaryMax || !strings.HasSuffix(s, "ord…") {
				t.Errorf("summary of %d characters: %q", n, s)
			}
		},
	}, {
		name: "summary from the start of a long body", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\n---\nFørste sætning.\n\n" + strings.Repeat("![a](", 12000) + "\n",
		check: func(t *testing.T, it transfer.Item) {
			if !strings.HasPrefix(it.Material.Summary, "Første sætning.") {
				t.Errorf("summary %q", it.Material.Summary)
			}
		},
	}, {
		name: "summary from the first sentences", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\n---\n## Overskrift\n\n" +
			strings.Repeat("En *kort* sætning. ", 30) + "\n",
		check: func(t *testing.T, it transfer.Item) {
			s := it.Material.Summary
			if len([]rune(s)) > material.SummaryMax || !strings.HasPrefix(s, "En kort sætning.") ||
				!strings.HasSuffix(s, "sætning.") || strings.Contains(s, "Overskrift") {
				t.Errorf("summary %q", s)
			}
		},
	}, {
		name: "remote image stays", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\n---\n![Et foto](https://example.com/x.jpg)\n",
		check: func(t *testing.T, it transfer.Item) {
			if len(it.Inline) != 0 || !strings.Contains(it.Material.Body, "https://example.com/x.jpg") {
				t.Errorf("inline %v, body %q", it.Inline, it.Material.Body)
			}
		},
	}, {
		name: "image outside the folder", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\n---\n![Hemmelig](../../etc/passwd)\n",
		check: func(t *testing.T, it transfer.Item) {
			if len(it.Inline) != 1 {
				t.Fatalf("inline %v", it.Inline)
			}
			if rc, err := it.Inline[0].Open(context.Background()); err == nil {
				rc.Close()
				t.Error("an image outside the folder opened")
			}
		},
	}, {
		name: "TOML cover table", file: "a.md",
		src: "+++\ntitle = 'A'\ndate = 2016-01-01\n[cover]\nimage = 'a.jpg'\nalt = 'Et æble'\n+++\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Cover == nil || it.Cover.Key != "file:a.jpg" || it.Material.CoverAlt != "Et æble" {
				t.Errorf("cover %+v, alt %q", it.Cover, it.Material.CoverAlt)
			}
		},
	}, {
		name: "Hugo images list", file: "a.md",
		src: "---\ntitle: A\ndate: 2016-01-01\nimages: [/billeder/b.png, c.png]\n---\n",
		check: func(t *testing.T, it transfer.Item) {
			if it.Cover == nil || it.Cover.Key != "file:static/billeder/b.png" || it.Cover.Alt != "" {
				t.Errorf("cover %+v", it.Cover)
			}
		},
	},
		{name: "body too long", file: "a.md", src: "---\ntitle: A\n---\n" + strings.Repeat("ord ", material.BodyMax),
			refused: "invalid-fields"},
		{name: "lists nested too deeply", file: "a.md",
			src: "---\ntitle: A\n---\n" + strings.Repeat("- ", 5000) + "x\n", refused: "invalid-fields"},
		{name: "unknown audience", file: "a.md", src: "---\ntitle: A\naudiences: [elever]\n---\n",
			refused: "unknown-audience"},
		{name: "unknown kind", file: "a.md", src: "---\ntitle: A\nkind: podcast\n---\n", refused: "unknown-kind"},
		{name: "unknown grade", file: "a.md", src: "---\ntitle: A\ngrades: [10]\n---\n", refused: "unknown-grade"},
		{name: "bad date", file: "a.md", src: "---\ntitle: A\ndate: i går\n---\n", refused: "bad-date"},
		{name: "link without url", file: "a.md", src: "---\ntitle: A\nkind: link\n---\nFordi.\n", refused: "bad-url"},
		{name: "link to javascript", file: "a.md", src: "---\ntitle: A\nlink_url: javascript:alert(1)\n---\nx\n",
			refused: "bad-url"},
		{name: "no title", file: "a.md", src: "---\ndate: 2016-01-01\n---\nTekst.\n", refused: "no-title"},
		{name: "title too long", file: "a.md", src: "---\ntitle: " + strings.Repeat("a", 200) + "\n---\n",
			refused: "invalid-fields"},
		{name: "language", file: "a.md", src: "---\ntitle: A\nlanguage: de\n---\n", refused: "unknown-language"},
		{name: "TOML that does not parse", file: "a.md", src: "+++\ntitle = \n+++\n", refused: "bad-front-matter"},
		{name: "front matter not a map", file: "a.md", src: "---\n- a\n- b\n---\n", refused: "bad-front-matter"},
		{name: "TOML not closed", file: "a.md", src: "+++\ntitle = 'A'\n", refused: "front-matter-open"},
		{name: "NUL bytes", file: "a.markdown", src: "---\ntitle: A\n---\nx\x00y\n", refused: "not-markdown"},
		{name: "PNG named .md", file: "a.md", src: "\x89PNG\r\n\x1a\n\x00\x00", refused: "not-markdown"},
		{name: "YAML alias bomb", file: "a.md", src: aliasBomb(), refused: "bad-front-matter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readOne(t, tt.file, tt.src, tt.opts)
			if tt.refused != "" {
				if len(b.Refused) != 1 || b.Refused[0].Code != tt.refused || len(b.Items) != 0 {
					t.Fatalf("refused %v, items %d; want one refusal %q", b.Refused, len(b.Items), tt.refused)
				}
				return
			}
			if len(b.Items) != 1 || len(b.Refused) != 0 {
				t.Fatalf("items %d, refused %v", len(b.Items), b.Refused)
			}
			tt.check(t, b.Items[0])
		})
	}
}

// aliasBomb is a front matter whose aliases expand to billions of values.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("title: A\n---\n")
	return b.String()
}

func TestReadDirTooLarge(t *testing.T) {
	big := "---\ntitle: A\n---\n" + strings.Repeat("a", MaxFileSize)
	b := readOne(t, "a.md", big, Options{})
	if len(b.Refused) != 1 || b.Refused[0].Code != "too-large" {
		t.Errorf("refused %v", b.Refused)
	}
}

func TestUnknownKeyWarnedOnce(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, n := range []string{"a.md", "b.md", "c.md"} {
		fsys[n] = &fstest.MapFile{Data: []byte("---\ntitle: " + n + "\nLayout: post\nfarve: blå\n---\n")}
	}
	b, err := ReadDir(context.Background(), fsys, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.md unknown-key farve", "a.md unknown-key layout"}
	if got := problemsOf(b.Problems); !slices.Equal(got[:min(2, len(got))], want) || len(got) != 5 {
		// Three no-date warnings follow the two key warnings.
		t.Errorf("problems %q, want %q and three no-date", got, want)
	}
}

func TestShortcodesReported(t *testing.T) {
	src := "---\ntitle: A\ndate: 2016-01-01\n---\n{{< figure src=\"x.jpg\" >}}\n{{% note %}}Hej{{% /note %}}\n" +
		"{% include video.html %}\n{{< figure src=\"y.jpg\" >}}\n"
	b := readOne(t, "a.md", src, Options{})
	want := []string{"a.md shortcode figure", "a.md shortcode note", "a.md shortcode include"}
	if got := problemsOf(b.Problems); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
