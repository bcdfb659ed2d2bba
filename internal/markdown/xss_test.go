package markdown

import (
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/xsstest"
)

// TestToHTMLCorpus renders every vector of the XSS corpus, alone and
// inside a paragraph and a list, and parses the output as a browser
// would: no element, attribute or address in it may be active.
func TestToHTMLCorpus(t *testing.T) {
	for _, v := range xsstest.Vectors() {
		for _, src := range []string{v, "Tekst før " + v + " og efter.", "- " + v + "\n- to"} {
			out, err := ToHTML(src)
			if err != nil {
				t.Fatalf("ToHTML(%q): %v", src, err)
			}
			if found := xsstest.Active(string(out)); len(found) > 0 {
				t.Errorf("ToHTML(%q) = %q: %v", src, out, found)
			}
		}
	}
}

// TestMarkdownLinksRenderInert checks the links whose scheme hides behind
// entities or control characters: none may become a link with a scheme.
func TestMarkdownLinksRenderInert(t *testing.T) {
	for _, src := range xsstest.MarkdownLinks {
		out, err := ToHTML(src)
		if err != nil {
			t.Fatal(err)
		}
		if found := xsstest.Active(string(out)); len(found) > 0 || strings.Contains(string(out), "href") {
			t.Errorf("ToHTML(%q) = %q, want no link: %v", src, out, found)
		}
	}
}

// FuzzToHTML feeds the renderer anything: it must not fail, and nothing
// in what it writes may be active once a browser parses it.
func FuzzToHTML(f *testing.F) {
	for _, v := range xsstest.Vectors() {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := ToHTML(src)
		if err != nil {
			t.Fatalf("ToHTML(%q): %v", src, err)
		}
		if found := xsstest.Active(string(out)); len(found) > 0 {
			t.Errorf("ToHTML(%q) = %q: %v", src, out, found)
		}
	})
}
