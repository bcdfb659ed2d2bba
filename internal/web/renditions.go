package web

import (
	"errors"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	htmlx "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The sizes attributes say how wide each kind of image is shown, as
// site.css lays it out; the browser picks a rendition from them before it
// has the stylesheet.
const (
	// A card in the grid of cards: one column up to 38rem, then two, then
	// three in the 72rem page (17rem at least, 1.25rem apart, 1.5rem
	// padding, 1rem below 40rem).
	sizesCard = "(min-width: 72rem) 22.2rem, (min-width: 56.5rem) calc(33.3vw - 1.8rem), " +
		"(min-width: 38.3rem) calc(50vw - 2.1rem), calc(100vw - 2rem)"
	// The narrow column of a material: the cover and the body's images.
	sizesNarrow = "(min-width: 43rem) 40rem, (min-width: 40rem) calc(100vw - 3rem), calc(100vw - 2rem)"
	// The full page width: a film's poster.
	sizesWide = "(min-width: 72rem) 69rem, (min-width: 40rem) calc(100vw - 3rem), calc(100vw - 2rem)"
	// The embedded card's picture, 38% of its frame.
	sizesEmbed = "38vw"
)

// Picture is an image as a page shows it: its renditions, when they have
// been made, offered by width with WebP first; its size, so nothing moves
// while it loads.
type Picture struct {
	Src    string // the image's middle rendition in its own format, or the image
	Srcset string // renditions in its own format and the image, by width
	WebP   string // WebP renditions by width
	Sizes  string
	Width  int
	Height int
	Alt    string
	Class  string
	Lazy   bool
}

// newPicture describes the image m with its renditions rs; prefix is
// where its files are served (renditions only from the public /media/).
func newPicture(m *storage.Media, rs []storage.Rendition, prefix, sizes string) *Picture {
	p := &Picture{Src: prefix + m.Key, Sizes: sizes, Width: m.Width, Height: m.Height}
	if prefix != "/media/" {
		return p
	}
	var own, webp []string
	for _, r := range rs {
		cand := prefix + r.Key + " " + strconv.Itoa(r.Width) + "w"
		switch r.ContentType {
		case m.ContentType:
			own = append(own, cand)
			if r.Width == 800 {
				p.Src = prefix + r.Key
			}
		case "image/webp":
			webp = append(webp, cand)
		}
	}
	if len(own) > 0 {
		own = append(own, prefix+m.Key+" "+strconv.Itoa(m.Width)+"w")
		p.Srcset = strings.Join(own, ", ")
	}
	p.WebP = strings.Join(webp, ", ")
	return p
}

// HTML is the picture's markup: a <picture> with a WebP source when
// there are WebP renditions, else the <img> alone.
func (p *Picture) HTML() template.HTML {
	if p == nil {
		return ""
	}
	var b strings.Builder
	attr := func(name, value string) {
		b.WriteString(" " + name + `="` + html.EscapeString(value) + `"`)
	}
	if p.WebP != "" {
		b.WriteString(`<picture><source type="image/webp"`)
		attr("srcset", p.WebP)
		attr("sizes", p.Sizes)
		b.WriteString(">")
	}
	b.WriteString("<img")
	if p.Class != "" {
		attr("class", p.Class)
	}
	attr("src", p.Src)
	if p.Srcset != "" {
		attr("srcset", p.Srcset)
		attr("sizes", p.Sizes)
	}
	attr("alt", p.Alt)
	if p.Width > 0 && p.Height > 0 {
		attr("width", strconv.Itoa(p.Width))
		attr("height", strconv.Itoa(p.Height))
	}
	if p.Lazy {
		attr("loading", "lazy")
	}
	attr("decoding", "async")
	b.WriteString(">")
	if p.WebP != "" {
		b.WriteString("</picture>")
	}
	return template.HTML(b.String())
}

// serveRendition serves a rendition by the same rule as its original:
// only while the original is public, and asked for again each time, so
// a withdrawn consent takes effect at once.
func (s *Server) serveRendition(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.store.RenditionByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	ok, err := s.store.MediaIsPublic(r.Context(), rd.MediaID, brand.FromMap(kv).LogoID)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	blob, err := s.blobs.Open(r.Context(), rd.Key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, media.ErrBadKey) {
		s.log.Error("rendition file missing", "key", rd.Key)
		return errNotFound
	}
	if err != nil {
		return err
	}
	defer blob.Close()
	h := w.Header()
	h.Set("Cache-Control", "public, no-cache")
	// A key is made again only with the same image; its time and size
	// tell one making from another.
	h.Set("ETag", `"`+rd.Key+"-"+strconv.FormatInt(blob.ModTime().UnixNano(), 36)+
		"-"+strconv.FormatInt(blob.Size(), 36)+`"`)
	media.Serve(w, r, blob, rd.ContentType, "")
	return nil
}

// CardSizes is the sizes attribute of a card's picture in the grid.
func (Base) CardSizes() string { return sizesCard }

// EmbedSizes is the sizes attribute of an embedded card's picture.
func (Base) EmbedSizes() string { return sizesEmbed }

// materialPictures fills in the pictures of a material page: its cover,
// its poster and the images of its body that are the hub's own files.
// A draft's pictures have no renditions, which are served only while
// the image is public.
func (s *Server) materialPictures(r *http.Request, p *MaterialPage) error {
	public := p.MediaPrefix == "/media/"
	keys := bodyImageKeys(p.Body)
	inline, err := s.store.MediaByKeys(r.Context(), keys)
	if err != nil {
		return err
	}
	rends := map[int64][]storage.Rendition{}
	if public {
		var ids []int64
		for _, m := range []*storage.Media{p.Cover, p.Poster} {
			if m != nil {
				ids = append(ids, m.ID)
			}
		}
		for _, m := range inline {
			ids = append(ids, m.ID)
		}
		if rends, err = s.store.RenditionsOf(r.Context(), ids); err != nil {
			return err
		}
	}
	if p.Cover != nil {
		pic := newPicture(p.Cover, rends[p.Cover.ID], p.MediaPrefix, sizesNarrow)
		pic.Alt = p.M.CoverAlt
		p.CoverPic = pic.HTML()
	}
	if p.Poster != nil {
		p.PosterPic = newPicture(p.Poster, rends[p.Poster.ID], p.MediaPrefix, sizesWide).HTML()
	}
	if len(inline) > 0 {
		p.Body = bodyPictures(p.Body, inline, rends)
	}
	return nil
}

// bodyImageKeys returns the keys of the hub's own files that a rendered
// body shows as images (src="/media/KEY").
func bodyImageKeys(body template.HTML) []string {
	var keys []string
	z := htmlx.NewTokenizer(strings.NewReader(string(body)))
	for {
		tt := z.Next()
		if tt == htmlx.ErrorToken {
			return keys
		}
		if tt != htmlx.StartTagToken && tt != htmlx.SelfClosingTagToken {
			continue
		}
		if key, ok := ownImage(z.Token()); ok {
			keys = append(keys, key)
		}
	}
}

// ownImage returns the key of an <img> whose address is one of the hub's
// own files.
func ownImage(t htmlx.Token) (string, bool) {
	if t.DataAtom != atom.Img {
		return "", false
	}
	for _, a := range t.Attr {
		if a.Key == "src" && a.Namespace == "" {
			key, ok := strings.CutPrefix(a.Val, "/media/")
			return key, ok && media.ValidKey(key)
		}
	}
	return "", false
}

// bodyPictures writes the body's images of known files of the hub as
// pictures with their size and renditions. Only the address and the alt
// text come from the body; every other attribute is the hub's own. The
// rest of the sanitised body is kept byte for byte.
func bodyPictures(body template.HTML, files map[string]*storage.Media,
	rends map[int64][]storage.Rendition) template.HTML {
	var b strings.Builder
	z := htmlx.NewTokenizer(strings.NewReader(string(body)))
	for {
		tt := z.Next()
		if tt == htmlx.ErrorToken {
			return template.HTML(b.String())
		}
		raw := z.Raw()
		if tt == htmlx.StartTagToken || tt == htmlx.SelfClosingTagToken {
			t := z.Token()
			if key, ok := ownImage(t); ok {
				if m := files[key]; m != nil && m.Class == string(media.Image) && m.Width > 0 {
					pic := newPicture(m, rends[m.ID], "/media/", sizesNarrow)
					for _, a := range t.Attr {
						if a.Key == "alt" && a.Namespace == "" {
							pic.Alt = a.Val
						}
					}
					pic.Lazy = true
					b.WriteString(string(pic.HTML()))
					continue
				}
			}
		}
		b.Write(raw)
	}
}
