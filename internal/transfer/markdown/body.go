package markdown

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/bindeled/bindeled/internal/material"
)

// inlineImage matches a Markdown image: ![alt](destination "title").
var inlineImage = regexp.MustCompile(`!\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^\s)]+)(\s+"[^"\n]*")?\s*\)`)

// fenceLine matches the line that opens or closes a fenced code block.
var fenceLine = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

// rewriteImages calls replace for every image in body outside fenced code
// blocks, with its alt text and destination, and puts the destination
// replace returns in its place; replace returns ok false to keep it.
func rewriteImages(body string, replace func(alt, dest string) (string, bool)) string {
	lines := strings.Split(body, "\n")
	fence := ""
	for i, line := range lines {
		if fence != "" {
			if strings.HasPrefix(strings.TrimLeft(line, " "), fence) {
				fence = ""
			}
			continue
		}
		if m := fenceLine.FindStringSubmatch(line); m != nil {
			fence = m[1]
			continue
		}
		lines[i] = inlineImage.ReplaceAllStringFunc(line, func(img string) string {
			m := inlineImage.FindStringSubmatch(img)
			dest := strings.TrimSuffix(strings.TrimPrefix(m[2], "<"), ">")
			if to, ok := replace(m[1], dest); ok {
				return "![" + m[1] + "](" + to + m[3] + ")"
			}
			return img
		})
	}
	return strings.Join(lines, "\n")
}

// titleHeading matches a level 1 heading on the first line of a body.
var titleHeading = regexp.MustCompile(`^#[ \t]+(.+?)[ \t#]*$`)

// cutTitle takes a level 1 heading from the top of body, for a file whose
// front matter has no title; the page shows the title as its heading.
func cutTitle(body string) (title, rest string) {
	trimmed := strings.TrimLeft(body, "\n \t")
	first, after, _ := strings.Cut(trimmed, "\n")
	m := titleHeading.FindStringSubmatch(first)
	if m == nil {
		return "", body
	}
	return strings.TrimSpace(m[1]), after
}

// bodyParser parses bodies for their summary; goldmark's parser is safe
// for concurrent use.
var bodyParser = goldmark.New().Parser()

// excerptInput is how many bytes of a body excerpt reads.
const excerptInput = 8 << 10

// excerpt returns the first sentences of the paragraphs of a Markdown body
// as plain text, at most material.SummaryMax characters, cut at a word.
// Only the start of the body is parsed: the summary needs no more, and
// some inputs take the parser time that grows faster than their length.
func excerpt(body string) string {
	src := []byte(body)
	if len(src) > excerptInput {
		src = src[:excerptInput]
		if i := bytes.LastIndex(src, []byte("\n\n")); i > 0 {
			src = src[:i]
		}
		for len(src) > 0 && !utf8.Valid(src[max(0, len(src)-utf8.UTFMax):]) {
			src = src[:len(src)-1]
		}
	}
	doc := bodyParser.Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b.Len() > 4*material.SummaryMax {
			return ast.WalkStop, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if !entering {
				b.WriteString("\n")
			}
		case *ast.Image, *ast.RawHTML, *ast.HTMLBlock, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.Heading:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteString(" ")
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	plain := b.String()
	if len(plain) > 8*material.SummaryMax {
		plain = strings.ToValidUTF8(plain[:8*material.SummaryMax], "")
	}
	return shorten(strings.Join(strings.Fields(plain), " "))
}

// shorten cuts s to material.SummaryMax characters: after the last whole
// sentence that fits, else at the last word that fits, with an ellipsis.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= material.SummaryMax {
		return s
	}
	head := string([]rune(s)[:material.SummaryMax])
	if i := strings.LastIndexAny(head, ".!?"); i > 0 && i+1 < len(head) && head[i+1] == ' ' {
		return head[:i+1]
	}
	head = string([]rune(head)[:material.SummaryMax-1])
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		head = head[:i]
	}
	return strings.TrimRight(head, " ,;:-") + "…"
}
