// Package shareimage makes the 1200×630 image that a link to a material
// shows on Facebook, LinkedIn and in chat apps: the material's own photo
// cropped around its most detailed part, or a card drawn in the hub's
// colour with the title, the kind and the municipality's name. The same
// input always gives the same bytes, so every instance of a hub makes the
// same file under the same name.
package shareimage

import (
	"bytes"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"unicode"

	"github.com/bindeled/bindeled/internal/brand"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	_ "golang.org/x/image/webp" // or WebP
	_ "image/gif"               // covers may be GIF
)

// The size of every share image: the 1.91:1 that Facebook and LinkedIn
// show large.
const (
	Width  = 1200
	Height = 630
)

// A photo smaller than this is drawn as a card instead of being enlarged
// to a blur.
const (
	MinPhotoWidth  = Width / 2
	MinPhotoHeight = Height / 2
)

// UsablePhoto reports whether a photo of w×h pixels is large enough to be
// cropped to a share image.
func UsablePhoto(w, h int) bool { return w >= MinPhotoWidth && h >= MinPhotoHeight }

// jpegQuality is the quality of cropped photos.
const jpegQuality = 85

// Crop decodes a photo, cuts the 1.91:1 window that holds most of its
// detail (see Focus) and scales it to Width×Height as a JPEG.
func Crop(photo []byte) ([]byte, error) {
	img, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		return nil, fmt.Errorf("share image: decode photo: %w", err)
	}
	win := Focus(img, Width, Height)
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, win, xdraw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, fmt.Errorf("share image: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Focus returns the largest window of img with the proportions w:h whose
// position along the axis that must be cut holds the most detail, measured
// as the differences between neighbouring pixels' brightness. People,
// objects and text are detailed; sky, walls and blurred backgrounds are
// not. Between windows of equal detail, the one nearer the centre wins, so
// a photo without a clear subject is cut in the middle.
func Focus(img image.Image, w, h int) image.Rectangle {
	b := img.Bounds()
	iw, ih := b.Dx(), b.Dy()
	if iw*h == ih*w {
		return b
	}
	horizontal := iw*h > ih*w // too wide: choose x
	ww, wh := iw, ih
	if horizontal {
		ww = ih * w / h
	} else {
		wh = iw * h / w
	}
	ww, wh = max(ww, 1), max(wh, 1)

	energy := detailProfile(img, horizontal)
	span := wh
	if horizontal {
		span = ww
	}
	best := bestWindow(energy, span)
	if horizontal {
		return image.Rect(b.Min.X+best, b.Min.Y, b.Min.X+best+ww, b.Min.Y+wh)
	}
	return image.Rect(b.Min.X, b.Min.Y+best, b.Min.X+ww, b.Min.Y+best+wh)
}

// detailProfile sums the brightness differences of img per column (or per
// row), sampling at most about 400 pixels across the other axis.
func detailProfile(img image.Image, columns bool) []float64 {
	b := img.Bounds()
	n, across := b.Dy(), b.Dx()
	if columns {
		n, across = b.Dx(), b.Dy()
	}
	step := max(1, across/400)
	out := make([]float64, n)
	at := func(i, j int) float64 { // i along the profile, j across it
		if columns {
			return luma(img.At(b.Min.X+i, b.Min.Y+j))
		}
		return luma(img.At(b.Min.X+j, b.Min.Y+i))
	}
	for i := 0; i+1 < n; i++ {
		var sum float64
		for j := 0; j+step < across; j += step {
			v := at(i, j)
			sum += math.Abs(v-at(i+1, j)) + math.Abs(v-at(i, j+step))
		}
		out[i] = sum
	}
	return out
}

func luma(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 65535
}

// bestWindow returns the start of the window of span values with the
// largest sum, preferring the centre by up to 5 % of the total detail.
func bestWindow(energy []float64, span int) int {
	last := len(energy) - span
	if last <= 0 {
		return 0
	}
	var total, sum float64
	for _, e := range energy {
		total += e
	}
	for _, e := range energy[:span] {
		sum += e
	}
	centre := float64(last) / 2
	score := func(start int, sum float64) float64 {
		return sum + 0.05*max(total, 1)*(1-math.Abs(float64(start)-centre)/centre)
	}
	best, bestScore := 0, score(0, sum)
	for start := 1; start <= last; start++ {
		sum += energy[start+span-1] - energy[start-1]
		if s := score(start, sum); s > bestScore {
			best, bestScore = start, s
		}
	}
	return best
}

// Card is what a drawn share image shows.
type Card struct {
	Title  string
	Kind   string // the kind of material, as readers call it: "Artikel"
	Site   string // the hub's name
	Owner  string // the municipality or administration behind it
	Colour brand.Colour
}

var (
	regular = mustParse(goregular.TTF)
	bold    = mustParse(gobold.TTF)
)

func mustParse(ttf []byte) *sfnt.Font {
	f, err := opentype.Parse(ttf)
	if err != nil {
		panic("shareimage: bundled font: " + err.Error())
	}
	return f
}

// The card's layout, in pixels: the title fills the band between the
// kind and the names at the foot.
const (
	margin     = 80
	titleTop   = 165 // top of the title's band
	titleBand  = 340 // its height
	footerLine = 560 // baseline of the hub's name
	markLeft   = 920 // left edge of the mark at the lower right
)

// Render draws a card as PNG: the brand colour as background, text in
// white or black as brand.TextOn chooses, the kind above the title, the
// title as large as fits in four lines, and the hub's and owner's names at
// the foot beside the hub's mark.
func Render(c Card) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	bg := rgba(c.Colour)
	ink, _ := brand.TextOn(c.Colour)
	fg := rgba(ink)
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	drawMark(img, fg)

	fill(img, image.Rect(margin, 64, margin+72, 72), fg)
	if err := text(img, regular, 34, fg, margin, 124, strings.ToUpper(c.Kind)); err != nil {
		return nil, err
	}
	if err := drawTitle(img, fg, c.Title); err != nil {
		return nil, err
	}
	if err := text(img, bold, 36, fg, margin, footerLine, c.Site); err != nil {
		return nil, err
	}
	if c.Owner != "" && c.Owner != c.Site {
		if err := text(img, regular, 30, fg, margin, footerLine+42, c.Owner); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("share image: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// drawTitle sets the title in the largest size at which it fits in the
// title's band, and cuts it with an ellipsis at the smallest.
func drawTitle(img *image.RGBA, fg color.RGBA, title string) error {
	title = Printable(bold, title)
	width := Width - 2*margin
	var lines []string
	var face font.Face
	var size float64
	fits := 0
	for _, size = range []float64{72, 62, 54, 46} {
		var err error
		if face, err = newFace(bold, size); err != nil {
			return err
		}
		fits = int(titleBand / (size * 1.15))
		if lines = wrap(face, title, width); len(lines) <= fits {
			break
		}
	}
	if len(lines) > fits {
		lines = lines[:fits]
		lines[fits-1] = ellipsize(face, lines[fits-1], width)
	}
	lineHeight := int(size * 1.15)
	y := titleTop + int(size*0.95)
	for _, l := range lines {
		d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face, Dot: fixed.P(margin, y)}
		d.DrawString(l)
		y += lineHeight
	}
	return nil
}

// Printable is s as the Go fonts can draw it: composed (NFC, so a letter
// with a separate accent is one letter), without what the font has no
// glyph for, such as emoji, and with white space folded to single spaces.
func Printable(f *sfnt.Font, s string) string {
	var buf sfnt.Buffer
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 || unicode.IsControl(r) {
			return -1
		}
		return r
	}, norm.NFC.String(s))
	return strings.Join(strings.Fields(s), " ")
}

// wrap breaks s into lines no wider than width, breaking inside a word
// only when the word alone is too wide.
func wrap(face font.Face, s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if font.MeasureString(face, try).Ceil() <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		for _, r := range word {
			if font.MeasureString(face, line+string(r)).Ceil() > width && line != "" {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// ellipsize ends a line with "…", shortening it until it fits.
func ellipsize(face font.Face, line string, width int) string {
	rs := []rune(line)
	for len(rs) > 0 && font.MeasureString(face, string(rs)+" …").Ceil() > width {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + " …"
}

func newFace(f *sfnt.Font, size float64) (font.Face, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("share image: font face: %w", err)
	}
	return face, nil
}

// text draws one line, shortened with an ellipsis if it would run past
// the hub's mark.
func text(img *image.RGBA, f *sfnt.Font, size float64, fg color.RGBA, x, y int, s string) error {
	face, err := newFace(f, size)
	if err != nil {
		return err
	}
	s = Printable(f, s)
	if width := markLeft - x - 20; font.MeasureString(face, s).Ceil() > width {
		s = ellipsize(face, s, width)
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
	return nil
}

// drawMark draws the hub's mark, two overlapping circles, faintly in the
// text colour at the lower right.
func drawMark(img *image.RGBA, fg color.RGBA) {
	for _, cx := range []float64{1000, 1080} {
		circle(img, cx, 545, 80, fg, 0.16)
	}
}

// circle blends a filled circle into img with the given opacity, with a
// smooth edge.
func circle(img *image.RGBA, cx, cy, r float64, c color.RGBA, alpha float64) {
	b := image.Rect(int(cx-r-1), int(cy-r-1), int(cx+r+2), int(cy+r+2)).Intersect(img.Bounds())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			cover := math.Max(0, math.Min(1, r-d+0.5))
			if cover == 0 {
				continue
			}
			a := alpha * cover
			p := img.RGBAAt(x, y)
			img.SetRGBA(x, y, color.RGBA{mix(p.R, c.R, a), mix(p.G, c.G, a), mix(p.B, c.B, a), 255})
		}
	}
}

func mix(a, b uint8, t float64) uint8 { return uint8(math.Round(float64(a)*(1-t) + float64(b)*t)) }

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func rgba(c brand.Colour) color.RGBA { return color.RGBA{c.R, c.G, c.B, 255} }
