// Package wordpress reads a WordPress export file (WXR 1.1 and 1.2, as
// Tools → Export writes it) into a transfer.Bundle: posts and pages become
// materials, categories and tags themes, authors users, and featured
// images, attachments and images in the text media files. See the section
// "WordPress" in docs/import.md for what becomes what.
package wordpress

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// DefaultMaxBytes is the largest export Read takes when Options.MaxBytes
// is zero.
const DefaultMaxBytes = 512 << 20

// DefaultAudiences are the audiences of every material when
// Options.Audiences is empty: parents and the school's staff. WordPress
// has no such field, and the hub requires at least one.
var DefaultAudiences = []material.Audience{material.Parents, material.Teachers, material.Pedagogues,
	material.Leaders}

// Options says how Read reads an export.
type Options struct {
	// Name is the export's file name, for messages ("FILE: item 3 «…»");
	// "export" when empty.
	Name string

	// MediaDir is a local copy of the site's wp-content/uploads folder, or
	// of a folder above it: when it holds wp-content/uploads or uploads,
	// that is used. A file whose address is
	// ".../wp-content/uploads/2016/12/foto.jpg" is then read from
	// MediaDir/2016/12/foto.jpg. Empty for none.
	MediaDir string

	// Getter fetches the media files that are not in MediaDir by their
	// address; nil unless the user asked for fetching.
	Getter transfer.Getter

	// Kinds are the rules that give items another kind than article; see
	// ParseKindRules.
	Kinds []KindRule

	// Audiences are given to every material; empty means DefaultAudiences.
	Audiences []material.Audience

	// MaxBytes is the largest export read; zero means DefaultMaxBytes.
	MaxBytes int64
}

// ErrNotWXR is returned, wrapped with what was found instead, when the
// input is not a WordPress export.
var ErrNotWXR = errors.New("not a WordPress export (WXR) file")

// channel is what the export says about the site and everything it holds.
type channel struct {
	title, link, language string
	baseSite, baseBlog    string
	wxr                   bool // a WordPress element was seen
	authors               []*node
	terms                 []*node // wp:category, wp:tag and wp:term
	items                 []*node
}

// Read reads a WordPress export from r. It fails when r is not a WordPress
// export or cannot be read; items it cannot bring over are in the bundle's
// Refused, and what it changed on the way in its Problems.
func Read(ctx context.Context, r io.Reader, opts Options) (*transfer.Bundle, error) {
	if opts.Name == "" {
		opts.Name = "export"
	}
	if opts.MediaDir != "" {
		if fi, err := os.Stat(opts.MediaDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("media folder %s: not a folder that can be read", opts.MediaDir)
		}
	}
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	ch, err := readChannel(ctx, newDecoder(&capReader{r: r, max: max}))
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("read %s: the file is larger than the limit of %d bytes", opts.Name, max)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	return build(ctx, ch, opts)
}

// readChannel reads the export's rss root and its channel, one entry at a
// time.
func readChannel(ctx context.Context, d *xml.Decoder) (*channel, error) {
	root, err := firstElement(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "rss" {
		return nil, fmt.Errorf("%w: the file starts with <%s>, not <rss>", ErrNotWXR, root.Name.Local)
	}
	ch := &channel{}
	inChannel := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !inChannel {
				if t.Name.Local != "channel" {
					return nil, fmt.Errorf("%w: <rss> holds <%s>, not <channel>", ErrNotWXR, t.Name.Local)
				}
				inChannel = true
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n, err := readNode(d, t, 0)
			if err != nil {
				return nil, xmlError(err)
			}
			ch.add(n)
		case xml.EndElement:
			if inChannel && t.Name.Local == "channel" {
				inChannel = false
			}
		}
	}
	if !ch.wxr {
		return nil, fmt.Errorf("%w: an RSS feed without WordPress's export elements; export the site with "+
			"Tools → Export in WordPress", ErrNotWXR)
	}
	return ch, nil
}

// firstElement returns the document's root element.
func firstElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: the file holds no XML element", ErrNotWXR)
		}
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return xml.StartElement{}, err
			}
			return xml.StartElement{}, fmt.Errorf("%w: the file is not XML (%v)", ErrNotWXR, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// xmlError keeps the size limit recognisable and says where the XML of
// an export broke.
func xmlError(err error) error {
	if errors.Is(err, errTooLarge) {
		return errTooLarge
	}
	var syntax *xml.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &syntax) && strings.Contains(syntax.Msg, "unexpected EOF") {
		return errors.New("broken XML: the file ends in the middle of an element; it may be cut off")
	}
	if errors.As(err, &syntax) {
		return fmt.Errorf("broken XML at line %d: %s", syntax.Line, syntax.Msg)
	}
	return err
}

// add files one entry of the channel.
func (ch *channel) add(n *node) {
	if strings.HasPrefix(n.space, wpSpace) {
		ch.wxr = true
	}
	switch {
	case n.space == "" && n.local == "title":
		ch.title = n.text.String()
	case n.space == "" && n.local == "link":
		ch.link = strings.TrimSpace(n.text.String())
	case n.space == "" && n.local == "language":
		ch.language = strings.TrimSpace(n.text.String())
	case n.wp("base_site_url"):
		ch.baseSite = strings.TrimSpace(n.text.String())
	case n.wp("base_blog_url"):
		ch.baseBlog = strings.TrimSpace(n.text.String())
	case n.wp("author"):
		ch.authors = append(ch.authors, n)
	case n.wp("category"), n.wp("tag"), n.wp("term"):
		ch.terms = append(ch.terms, n)
	case n.space == "" && n.local == "item":
		ch.items = append(ch.items, n)
		for _, c := range n.children {
			if strings.HasPrefix(c.space, wpSpace) {
				ch.wxr = true
			}
		}
	}
}

// siteURL is the site's address, without a trailing slash.
func (ch *channel) siteURL() string {
	for _, s := range []string{ch.link, ch.baseBlog, ch.baseSite} {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return strings.TrimRight(s, "/")
		}
	}
	return ""
}
