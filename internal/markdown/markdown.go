// Package markdown turns the Markdown that editors write into safe HTML.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Footnote, extension.Strikethrough),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[a-z0-9_-]{1,80}$`)).Globally()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnote(s|-ref|-backref)?$`)).Globally()
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|endnotes|backlink)$`)).Globally()
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	return p
}

var tableFrame = strings.NewReplacer(
	"<table>", `<div class="table-scroll" role="region" tabindex="0" aria-label="Tabel"><table>`,
	"</table>", "</table></div>",
)

// ToHTML renders Markdown as sanitised HTML. Raw HTML in the source is
// escaped by the renderer and anything unsafe that remains is removed.
func ToHTML(src string) (template.HTML, error) {
	if TooDeep(src) {
		// Saving refuses such bodies; one that arrives anyway is shown as
		// plain text rather than spending seconds of CPU per view.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>"), nil
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// The sanitiser's output is safe to place in a page as it is. Tables
	// get a keyboard-reachable frame that scrolls on narrow screens; raw
	// HTML in the source was escaped, so every <table> here is a real one.
	out := tableFrame.Replace(string(policy.SanitizeBytes(buf.Bytes())))
	return template.HTML(out), nil
}

// PlainText returns the text of Markdown without markup, for summaries of
// what a body says and for search: the words a reader sees, without link
// targets, image sources, raw HTML (which pages never show) or entities.
func PlainText(src string) string {
	if TooDeep(src) {
		return strings.Join(strings.Fields(src), " ")
	}
	source := []byte(src)
	var b strings.Builder
	_ = ast.Walk(md.Parser().Parse(text.NewReader(source)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch x := n.(type) {
		case *ast.Image, *ast.RawHTML, *ast.HTMLBlock: // an image's text is its alt attribute, not shown
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(x.Value(source))
				if x.SoftLineBreak() || x.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(x.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(x.Label(source))
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					b.Write(seg.Value(source))
				}
			}
		}
		if !entering && n.Type() == ast.TypeBlock {
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}
