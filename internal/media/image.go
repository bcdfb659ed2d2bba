package media

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// MaxSide is the longest side, in pixels, of a stored image. Larger images
// are scaled down.
const MaxSide = 2400

// jpegQuality is the quality of re-encoded JPEG images.
const jpegQuality = 85

// configDecoders read the dimensions of each accepted image type.
var configDecoders = map[string]func(io.Reader) (image.Config, error){
	typeJPEG: jpeg.DecodeConfig,
	typePNG:  png.DecodeConfig,
	typeGIF:  gif.DecodeConfig,
	typeWebP: webp.DecodeConfig,
}

// decoders decode each accepted image type. Only the first frame of an
// animated GIF is kept.
var decoders = map[string]func(io.Reader) (image.Image, error){
	typeJPEG: decodeJPEG,
	typePNG:  png.Decode,
	typeGIF:  gif.Decode,
	typeWebP: webp.Decode,
}

// decodeJPEG decodes a JPEG image and turns its pixels upright as the EXIF
// orientation tag says.
func decodeJPEG(r io.Reader) (image.Image, error) {
	return imaging.Decode(r, imaging.AutoOrientation(true))
}

// ingestImage checks the dimensions of an image, decodes it, applies its
// orientation, scales it down if needed and stores a fresh encoding. Only
// pixels survive: metadata and trailing data are left behind.
// imageSlots bounds how many images are decoded at once in this process.
var imageSlots = make(chan struct{}, 2)

func (p *Processor) ingestImage(ctx context.Context, tmp *tempFile, f format) (Info, error) {
	if err := p.checkPixels(tmp, f); err != nil {
		return Info{}, err
	}
	// Decoded images take much memory (a 40-megapixel photo needs
	// hundreds of megabytes), so only a few are worked on at a time.
	select {
	case imageSlots <- struct{}{}:
		defer func() { <-imageSlots }()
	case <-ctx.Done():
		return Info{}, fmt.Errorf("media: ingest image: %w", ctx.Err())
	}

	img, err := decodeImage(tmp, f)
	if err != nil {
		return Info{}, err
	}
	img = shrink(img)

	out, err := p.tempFile()
	if err != nil {
		return Info{}, err
	}
	defer out.discard()

	outFormat, err := encodeImage(out, img, f)
	if err != nil {
		return Info{}, err
	}
	b := img.Bounds()
	return p.store(ctx, out, outFormat, b.Dx(), b.Dy())
}

// checkPixels reads only the image header and refuses images with more
// pixels than the limit, before any pixel memory is allocated.
func (p *Processor) checkPixels(tmp *tempFile, f format) error {
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("media: rewind upload: %w", err)
	}
	cfg, err := configDecoders[f.contentType](bufio.NewReader(tmp))
	if err != nil {
		return &TypeError{Detected: f.contentType, Err: err}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return &TypeError{Detected: f.contentType, Err: errors.New("empty image")}
	}

	limit := p.Limits.maxPixels()
	if int64(cfg.Width)*int64(cfg.Height) > limit {
		return fmt.Errorf("%w: %d×%d is over %d pixels", ErrPixels, cfg.Width, cfg.Height, limit)
	}
	return nil
}

// decodeImage decodes the whole image.
func decodeImage(tmp *tempFile, f format) (image.Image, error) {
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("media: rewind upload: %w", err)
	}
	img, err := decoders[f.contentType](bufio.NewReader(tmp))
	if err != nil {
		return nil, &TypeError{Detected: f.contentType, Err: err}
	}
	return img, nil
}

// shrink scales img down so its longest side is at most MaxSide.
func shrink(img image.Image) image.Image {
	b := img.Bounds()
	if b.Dx() <= MaxSide && b.Dy() <= MaxSide {
		return img
	}
	return imaging.Fit(img, MaxSide, MaxSide, imaging.Lanczos)
}

// encodeImage writes img to w, as JPEG for JPEG uploads and as PNG for the
// other types, and returns the stored format.
func encodeImage(w io.Writer, img image.Image, f format) (format, error) {
	if f.contentType == typeJPEG {
		if err := jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return format{}, fmt.Errorf("media: encode jpeg: %w", err)
		}
		return fmtJPEG, nil
	}
	if err := png.Encode(w, img); err != nil {
		return format{}, fmt.Errorf("media: encode png: %w", err)
	}
	return fmtPNG, nil
}
