package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
	webpenc "github.com/gen2brain/webp"
)

// RenditionWidths are the widths, in pixels, of an image's smaller
// copies; only those narrower than the image are made.
var RenditionWidths = []int{400, 800, 1200}

// maxWebPWidth is the widest an image may be to get a WebP copy of its
// own size; wider ones get the WebP copies of RenditionWidths only.
const maxWebPWidth = 1200

// webpPhotoQuality is the quality of the lossy WebP copies of photos,
// libwebp's default, which looks like JPEG at quality 85 at about two
// thirds of its size. Graphics (PNG) get lossless WebP copies.
const webpPhotoQuality = 75

// Rendition is a copy of an image made by MakeRenditions.
type Rendition struct {
	Key         string
	ContentType string
	Width       int
	Height      int
	Size        int64
}

// RenditionKey returns the key of the copy of the image stored under key
// that is width pixels wide and has the extension ext (".webp"). The key
// follows from the original's, so making the copies again replaces them.
func RenditionKey(key string, width int, ext string) string {
	base, _, _ := strings.Cut(key, ".")
	return base + "w" + strconv.Itoa(width) + ext
}

// RenditionKeys lists every key a copy of the image stored under key, of
// the given width, can have, so that all of them can be deleted with it.
func RenditionKeys(key string, width int) []string {
	var out []string
	for _, w := range append(RenditionWidths[:len(RenditionWidths):len(RenditionWidths)], width) {
		for _, ext := range []string{fmtJPEG.ext, fmtPNG.ext, fmtWebP.ext} {
			out = append(out, RenditionKey(key, w, ext))
		}
	}
	return out
}

// renditionWidths returns the widths of the copies of an image width
// pixels wide: in its own format, and in WebP.
func renditionWidths(width int) (own, webp []int) {
	for _, w := range RenditionWidths {
		if w < width {
			own = append(own, w)
			webp = append(webp, w)
		}
	}
	if width <= maxWebPWidth {
		webp = append(webp, width)
	}
	return own, webp
}

// MakeRenditions makes the copies of the stored image under key (JPEG or
// PNG, as the upload pipeline stores them, already upright and without
// metadata): narrower copies in its own format and WebP copies, each
// encoded afresh from pixels so no metadata can come along, and stores
// them. It returns what it stored. Other types have no copies.
//
// The WebP copies are kept only when each is smaller than the copy in the
// image's own format of its width (or the image itself): a flat graphic
// can be larger as WebP, and a page that offers WebP offers it for every
// width, so an image gets WebP copies for all its widths or none.
func MakeRenditions(ctx context.Context, blobs Blobs, key, contentType string) ([]Rendition, error) {
	var own format
	switch contentType {
	case typeJPEG:
		own = fmtJPEG
	case typePNG:
		own = fmtPNG
	default:
		return nil, nil
	}
	select {
	case imageSlots <- struct{}{}:
		defer func() { <-imageSlots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("media: renditions: %w", ctx.Err())
	}
	img, size, err := openImage(ctx, blobs, key, own)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	ownWidths, webpWidths := renditionWidths(b.Dx())

	var out []Rendition
	encode := func(w int, f format, enc func(io.Writer, image.Image) error) (Rendition, *bytes.Buffer, error) {
		scaled := img
		if w != b.Dx() {
			scaled = imaging.Resize(img, w, 0, imaging.Lanczos)
		}
		var buf bytes.Buffer
		if err := enc(&buf, scaled); err != nil {
			return Rendition{}, nil, fmt.Errorf("media: encode %s rendition of %s: %w", f.ext, key, err)
		}
		return Rendition{Key: RenditionKey(key, w, f.ext), ContentType: f.contentType,
			Width: scaled.Bounds().Dx(), Height: scaled.Bounds().Dy(), Size: int64(buf.Len())}, &buf, nil
	}
	put := func(r Rendition, buf *bytes.Buffer) error {
		if _, err := blobs.Put(ctx, r.Key, buf); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}
	ownSize := map[int]int64{b.Dx(): size}
	for _, w := range ownWidths {
		r, buf, err := encode(w, own, ownEncoder(own))
		if err == nil {
			err = put(r, buf)
		}
		if err != nil {
			return out, err
		}
		ownSize[w] = r.Size
	}
	opts := webpenc.Options{Quality: webpPhotoQuality}
	if own == fmtPNG {
		opts = webpenc.Options{Lossless: true}
	}
	var webps []Rendition
	var bufs []*bytes.Buffer
	for _, w := range webpWidths {
		r, buf, err := encode(w, fmtWebP, func(wr io.Writer, m image.Image) error {
			err := webpenc.Encode(wr, m, opts)
			// Each encoding runs the encoder in a fresh WebAssembly
			// instance whose memory (tens of megabytes for a large copy)
			// is garbage once it returns. Handing it back at once keeps
			// the process's resident memory from piling up copy by copy.
			debug.FreeOSMemory()
			return err
		})
		if err != nil {
			return out, err
		}
		if r.Size >= ownSize[w] {
			return out, nil // not smaller: no WebP copies at all
		}
		webps, bufs = append(webps, r), append(bufs, buf)
	}
	for i, r := range webps {
		if err := put(r, bufs[i]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// ownEncoder encodes in the original's format.
func ownEncoder(f format) func(io.Writer, image.Image) error {
	if f == fmtJPEG {
		return func(w io.Writer, m image.Image) error {
			return jpeg.Encode(w, m, &jpeg.Options{Quality: jpegQuality})
		}
	}
	return png.Encode
}

// openImage reads and decodes a stored image, refusing one larger than
// a stored image can be; it also returns the stored file's size.
func openImage(ctx context.Context, blobs Blobs, key string, f format) (image.Image, int64, error) {
	blob, err := blobs.Open(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	defer blob.Close()
	br := bufio.NewReader(blob)
	cfg, err := configDecoders[f.contentType](br)
	if err != nil {
		return nil, 0, &TypeError{Detected: f.contentType, Err: err}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, 0, &TypeError{Detected: f.contentType, Err: errors.New("not a stored image's size")}
	}
	if _, err := blob.Seek(0, io.SeekStart); err != nil {
		return nil, 0, fmt.Errorf("media: rewind %s: %w", key, err)
	}
	img, err := decoders[f.contentType](bufio.NewReader(blob))
	if err != nil {
		return nil, 0, &TypeError{Detected: f.contentType, Err: err}
	}
	return img, blob.Size(), nil
}
