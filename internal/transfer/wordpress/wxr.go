package wordpress

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// wpSpace starts the name space of WordPress's own elements in every WXR
// version ("http://wordpress.org/export/1.2/"); the excerpt has its own
// space below it.
const wpSpace = "http://wordpress.org/export/"

// contentSpace is the name space of content:encoded.
const contentSpace = "http://purl.org/rss/1.0/modules/content/"

// maxNodeDepth bounds how deeply the elements of one channel entry may
// nest; WXR itself needs three levels.
const maxNodeDepth = 16

// node is one element of the export with its text and child elements.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         strings.Builder
	children     []*node
}

// wp reports whether n is WordPress's element named local.
func (n *node) wp(local string) bool {
	return n.local == local && strings.HasPrefix(n.space, wpSpace) && !strings.Contains(n.space, "excerpt")
}

// child returns the text of the first child that match reports true for.
func (n *node) child(match func(*node) bool) string {
	for _, c := range n.children {
		if match(c) {
			return c.text.String()
		}
	}
	return ""
}

// wpText returns the text of n's WordPress child element named local.
func (n *node) wpText(local string) string {
	return n.child(func(c *node) bool { return c.wp(local) })
}

// plainText returns the text of n's child named local outside any name
// space, such as an item's title or link.
func (n *node) plainText(local string) string {
	return n.child(func(c *node) bool { return c.space == "" && c.local == local })
}

// attr returns the value of n's attribute named local.
func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// errTooLarge is returned when the export is longer than Options.MaxBytes.
var errTooLarge = errors.New("too large")

// capReader fails with errTooLarge once more than max bytes are read,
// instead of silently ending the input as io.LimitReader would.
type capReader struct {
	r      io.Reader
	n, max int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return 0, errTooLarge
	}
	return n, err
}

// newDecoder returns a decoder for an export that may declare another
// encoding than UTF-8, such as ISO-8859-1 or windows-1252.
func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	// Titles written by hand in an export sometimes hold HTML entities
	// such as &nbsp;; they are no reason to refuse the file.
	d.Entity = xml.HTMLEntity
	return d
}

// readNode reads the element that start opened, up to its end, into a node.
func readNode(d *xml.Decoder, start xml.StartElement, depth int) (*node, error) {
	if depth > maxNodeDepth {
		return nil, fmt.Errorf("elements nested more than %d deep in <%s>", maxNodeDepth, start.Name.Local)
	}
	n := &node{space: start.Name.Space, local: start.Name.Local, attrs: start.Attr}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			c, err := readNode(d, t, depth+1)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		case xml.CharData:
			// CDATA sections split by "]]]]><![CDATA[>" arrive as two
			// pieces that belong together.
			n.text.Write(t)
		case xml.EndElement:
			return n, nil
		}
	}
}
