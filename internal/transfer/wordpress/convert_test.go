package wordpress

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/markdown"
)

// convertForTest converts content of a post on https://site.example.dk.
func convertForTest(content string) (string, *converter, *shortcodes) {
	site, _ := url.Parse("https://site.example.dk/")
	c := newConverter(&media{site: site})
	sc := &shortcodes{gallery: func(ids []string) []string {
		var imgs []string
		for _, id := range ids {
			imgs = append(imgs, `<img src="/wp-content/uploads/g`+strings.TrimSpace(id)+`.jpg" alt="Billede `+
				strings.TrimSpace(id)+`">`)
		}
		return imgs
	}}
	return c.markdown(sc.expand(content, 0)), c, sc
}

func TestConvertHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"wpautop paragraphs", "Første afsnit\nsamme afsnit\n\nAndet afsnit",
			"Første afsnit\\\nsamme afsnit\n\nAndet afsnit"},
		{"headings start at level 2", "<h1>Titel</h1><h3>Under</h3>", "## Titel\n\n### Under"},
		{"emphasis keeps spaces outside", "<p>en<strong> fed </strong>tekst og <em></em>tom</p>",
			"en **fed** tekst og tom"},
		{"ordered list with start", `<ol start="3"><li>tre</li><li>fire</li></ol>`, "3. tre\n4. fire"},
		{"list item with paragraphs", "<ul><li><p>a</p><p>b</p></li></ul>", "- a\n\n  b"},
		{"nested quote", "<blockquote><p>ydre</p><blockquote>indre</blockquote></blockquote>",
			"> ydre\n>\n> > indre"},
		{"markdown characters in text",
			"<p># ikke overskrift *ikke fed* [ikke link] 1. ikke liste &amp;amp; &lt;b&gt;</p>",
			`\# ikke overskrift \*ikke fed\* \[ikke link\] 1. ikke liste \&amp; \<b\>`},
		{"numbered start of line", "<p>2016. Et godt år</p>", `2016\. Et godt år`},
		{"code block", "<pre>if a &lt; b {\n\treturn ```\n}</pre>", "````\nif a < b {\n\treturn ```\n}\n````"},
		{"pre keeps blank lines", "før\n\n<pre>a\n\nb</pre>\n\nefter", "før\n\n```\na\n\nb\n```\n\nefter"},
		{"relative link resolved", `<a href="/om-os/">Om os</a>`, "[Om os](https://site.example.dk/om-os/)"},
		{"javascript link dropped", `<a href="javascript:alert(1)">Klik</a> <a href="data:text/html,x">data</a>`,
			"Klik data"},
		{"mailto link kept", `<a href="mailto:skole@example.dk">Skriv til os</a>`,
			"[Skriv til os](mailto:skole@example.dk)"},
		{"link with parentheses", `<a href="https://example.org/a_(b)">Wiki</a>`,
			"[Wiki](https://example.org/a_%28b%29)"},
		{"empty link dropped", `<p>før <a href="https://example.org/"></a>efter</p>`, "før efter"},
		{"bare address on its own line", "Se her:\n\nhttps://example.org/side",
			"Se her:\n\n<https://example.org/side>"},
		{"vimeo iframe", `<iframe src="https://player.vimeo.com/video/123456?dnt=1"></iframe>`,
			"<https://vimeo.com/123456>"},
		{"block editor embed",
			"<!-- wp:embed {\"url\":\"https://youtu.be/dQw4w9WgXcQ\"} -->\n<figure class=\"wp-block-embed\">" +
				"<div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/dQw4w9WgXcQ\n</div></figure>\n" +
				"<!-- /wp:embed -->",
			"<https://www.youtube.com/watch?v=dQw4w9WgXcQ>"},
		{"block editor image", "<!-- wp:image {\"id\":5} -->\n<figure class=\"wp-block-image\"><img src=\"" +
			"/wp-content/uploads/a.jpg\" alt=\"Alt\"/><figcaption>Tekst</figcaption></figure>\n<!-- /wp:image -->",
			"![Alt](bindeled-inline:0)\n\nTekst"},
		{"uploaded video is an attachment",
			`<p>Se filmen.</p><video controls src="/wp-content/uploads/f.mp4"></video>`,
			"Se filmen."},
		{"other iframe dropped", `<p>Kort:</p><iframe src="https://maps.example.org/embed"></iframe>`, "Kort:"},
		{"external image without getter is a link", `<img src="https://cdn.example.org/a.png" alt="Et kort">`,
			"[Et kort](https://cdn.example.org/a.png)"},
		{"link to an uploaded picture", `<a href="/wp-content/uploads/kort.png">Se kortet</a>`,
			"![Se kortet](bindeled-inline:0)"},
		{"thumbnail linking to its picture",
			`<a href="/wp-content/uploads/kort.png"><img src="/wp-content/uploads/kort-150x150.png" alt="Kort"></a>`,
			"![Kort](bindeled-inline:0)"},
		{"banner linking to a page", `<a href="https://example.org/"><img src="/wp-content/uploads/b.png" alt="B"></a>`,
			"[![B](bindeled-inline:0)](https://example.org/)"},
		{"outside picture in a link",
			`<a href="https://example.org/"><img src="https://cdn.example.org/b.png" alt="B"></a>`,
			"[B](https://cdn.example.org/b.png)"},
		{"uploaded image inline", `<img src="/wp-content/uploads/2020/01/a.png" alt="A [b]">`,
			`![A \[b\]](bindeled-inline:0)`},
		{"script, style, form and comments dropped",
			"<script>x()</script><style>p{}</style><form><input value=ja><button>Send</button></form>" +
				"<!-- note --><noscript>ns</noscript><p>tekst</p>", "tekst"},
		{"gutenberg comments dropped", "<!-- wp:heading {\"level\":2} -->\n<h2>Hej</h2>\n<!-- /wp:heading -->",
			"## Hej"},
		{"table", "<table><tr><td>a</td><td>b|c</td></tr><tr><td>d</td></tr></table>",
			"| a | b\\|c |\n| --- | --- |\n| d |  |"},
		{"hr", "<p>a</p><hr><p>b</p>", "a\n\n---\n\nb"},
		{"strikethrough and code", "<del>væk</del> <code>x*y</code>", "~~væk~~ `x*y`"},
		{"unclosed tags", "<p><b>fed<p>næste", "**fed**\n\n**næste**"},
		{"entities", "<p>Skole &amp; hjem &ndash; &#8220;citat&#8221; &nbsp;</p>", "Skole & hjem – “citat”"},
		{"caption shortcode",
			`[caption id="x" width="300"]<img src="/wp-content/uploads/a.jpg" alt="Alt"> Tekst[/caption]`,
			"![Alt](bindeled-inline:0)\n\nTekst"},
		{"old caption attribute", `[caption caption="Gammel"]<img src="/wp-content/uploads/a.jpg" alt="Alt">[/caption]`,
			"![Alt](bindeled-inline:0)\n\nGammel"},
		{"embed shortcode", "[embed]https://youtu.be/dQw4w9WgXcQ[/embed]",
			"<https://www.youtube.com/watch?v=dQw4w9WgXcQ>"},
		{"jetpack youtube", "[youtube=https://www.youtube.com/watch?v=dQw4w9WgXcQ&w=640]",
			"<https://www.youtube.com/watch?v=dQw4w9WgXcQ>"},
		{"youtube with id", `[youtube id="dQw4w9WgXcQ"]`, "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>"},
		{"video shortcode", `[video width="640" mp4="https://media.example.org/film.mp4"][/video]`,
			"<https://media.example.org/film.mp4>"},
		{"gallery", `[gallery ids="4, 5"]`, "![Billede 4](bindeled-inline:0) ![Billede 5](bindeled-inline:1)"},
		{"escaped shortcode", "Skriv [[gallery]] selv.", `Skriv \[gallery\] selv.`},
		{"unknown block keeps text", "[note type=\"info\"]Husk <b>madpakke</b>[/note]", "Husk **madpakke**"},
		{"unknown self-closing removed", "Før [contact-form id=3 /] efter", "Før efter"},
		{"brackets that are not shortcodes", "Se [1] og [Note] og arr[i] og [ ] og [red.]",
			`Se \[1\] og \[Note\] og arr\[i\] og \[ \] og \[red.\]`},
		{"nested shortcodes", "[row][col]indhold[/col][/row]", "indhold"},
		{"unclosed shortcode", "[su_box title=\"x\"]tekst uden slut", "tekst uden slut"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _ := convertForTest(tt.in)
			if got != tt.want {
				t.Errorf("convert(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
			}
		})
	}
}

func TestConvertRecords(t *testing.T) {
	_, c, sc := convertForTest(`[contact-form-7 id="1"] [su_box]a[/su_box] [contact-form-7 id="2"]` +
		`<a href="https://site.example.dk/wp-content/uploads/2019/05/plan.docx">Årsplan</a> ` +
		`<a href="/wp-content/uploads/2019/05/plan.docx">igen</a> ` +
		`<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>`)
	if got := strings.Join(sc.removed, ","); got != "contact-form-7,su_box" {
		t.Errorf("removed = %s, want each name once", got)
	}
	if len(c.attachments) != 1 || c.attachments[0].Title != "Årsplan" || c.attachments[0].File.Name != "plan.docx" {
		t.Errorf("attachments = %+v", c.attachments)
	}
	if len(c.videos) != 1 || c.videos[0] != "https://www.youtube.com/watch?v=dQw4w9WgXcQ" {
		t.Errorf("videos = %v", c.videos)
	}
}

func TestConvertBoundsNesting(t *testing.T) {
	inputs := map[string]string{
		"lists":     strings.Repeat("<ul><li>x", 5000),
		"quotes":    strings.Repeat("<blockquote>x", 5000),
		"divs":      strings.Repeat("<div>", 20000) + "dybt",
		"spans":     strings.Repeat("<span><b>", 20000) + "dybt",
		"shortcode": strings.Repeat("[a_b]", 20000) + strings.Repeat("[/a_b]", 20000),
		"brackets":  strings.Repeat("[x_y ", 20000),
		"escapes":   strings.Repeat("[[", 1<<17),
		"links":     strings.Repeat("<a href=x>", 1<<15),
		"reopened":  strings.Repeat("<p><i>", 1<<15),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			got, _, _ := convertForTest(in)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if markdown.TooDeep(got) {
				t.Errorf("result nests deeper than markdown allows")
			}
			if _, err := markdown.ToHTML(got); err != nil {
				t.Errorf("ToHTML: %v", err)
			}
		})
	}
}

// TestBodiesRenderSafely renders every body converted from the fixtures
// through the hub's Markdown renderer.
func TestBodiesRenderSafely(t *testing.T) {
	names, err := filepath.Glob("testdata/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	rendered := 0
	for _, path := range names {
		name := filepath.Base(path)
		b, err := readFixture(t, name, Options{})
		if err != nil {
			continue // the files that are no exports
		}
		for _, it := range b.Items {
			out, err := markdown.ToHTML(it.Material.Body)
			if err != nil {
				t.Errorf("%s: ToHTML: %v", it.Where, err)
			}
			s := strings.ToLower(string(out))
			for _, bad := range []string{"<script", "<iframe", "<style", "<form", "javascript:", "onerror"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s renders %q:\n%s", it.Where, bad, out)
				}
			}
			if strings.TrimSpace(it.Material.Body) != "" && strings.TrimSpace(string(out)) == "" {
				t.Errorf("%s renders nothing", it.Where)
			}
			rendered++
		}
	}
	if rendered < 10 {
		t.Errorf("rendered %d bodies; the fixtures hold more", rendered)
	}
	// The fixture's table renders as one.
	b := readSite(t, Options{})
	out, _ := markdown.ToHTML(itemByKey(t, b, "post:101").Material.Body)
	for _, want := range []string{"<table>", "<h2", "<blockquote>", "<ul>", "<strong>trivsel</strong>",
		"<code>arr[i]]&gt;</code>"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("rendered body lacks %s:\n%s", want, out)
		}
	}
}

func TestFixturesExist(t *testing.T) {
	for _, name := range []string{"site.xml", "latin1.xml", "windows1252.xml", "jpeg-named.xml"} {
		if _, err := os.Stat("testdata/" + name); err != nil {
			t.Error(err)
		}
	}
}

func TestAutopWithLettersThatChangeLength(t *testing.T) {
	// "İ" is longer in lower case; indexes into a lowered copy would be off.
	got, _, _ := convertForTest("İİİİ <PRE>kode</PRE> efter\n\nnæste")
	if !strings.Contains(got, "```\nkode\n```") || !strings.Contains(got, "næste") {
		t.Errorf("got %q", got)
	}
}
