// Package markdown turns the Markdown that editors write into safe HTML.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
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
// what a body says and for search.
func PlainText(src string) string {
	html, err := ToHTML(src)
	if err != nil {
		return src
	}
	text := bluemonday.StrictPolicy().Sanitize(string(html))
	return strings.Join(strings.Fields(unescape(text)), " ")
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
}
