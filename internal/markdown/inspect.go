package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Facts are what the publication checks need to know about a body.
type Facts struct {
	// HeadingLevels lists the level of every heading, in order.
	HeadingLevels []int
	// LinkTexts lists the visible text of every link, in order.
	LinkTexts []string
	// ImagesWithoutAlt counts images with an empty description.
	ImagesWithoutAlt int
	// Images counts all images in the body.
	Images int
	// ImageSources lists the address of every image, in order.
	ImageSources []string
	// Text is the body's plain text, paragraphs separated by blank lines.
	Text string
}

// Inspect reads a Markdown body and returns its facts.
func Inspect(src string) Facts {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var f Facts
	var paras []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			f.HeadingLevels = append(f.HeadingLevels, n.Level)
			paras = append(paras, nodeText(n, source))
		case *ast.Link:
			f.LinkTexts = append(f.LinkTexts, nodeText(n, source))
		case *ast.AutoLink:
			f.LinkTexts = append(f.LinkTexts, string(n.Label(source)))
		case *ast.Image:
			f.Images++
			f.ImageSources = append(f.ImageSources, string(n.Destination))
			if strings.TrimSpace(nodeText(n, source)) == "" {
				f.ImagesWithoutAlt++
			}
		case *ast.Paragraph, *ast.TextBlock:
			paras = append(paras, nodeText(n, source))
		}
		return ast.WalkContinue, nil
	}) // the walker function returns no errors
	f.Text = strings.Join(paras, "\n\n")
	return f
}

// nodeText is the plain text inside a node.
func nodeText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(source))
		case *ast.CodeSpan:
			for x := c.FirstChild(); x != nil; x = x.NextSibling() {
				if t, ok := x.(*ast.Text); ok {
					b.Write(t.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	}) // the walker function returns no errors
	return strings.TrimSpace(b.String())
}

// MaxDepth is how deeply quotes and lists may nest. Deeper nesting serves
// no reader and makes rendering slow.
const MaxDepth = 12

// TooDeep reports whether any line of src nests quotes or list items
// deeper than MaxDepth.
func TooDeep(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		depth := 0
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == ' ' || c == '\t':
			case c == '>':
				depth++
			case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
				depth++
			default:
				i = len(line)
			}
			if depth > MaxDepth {
				return true
			}
		}
	}
	return false
}
