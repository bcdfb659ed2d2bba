package share

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Code is a QR code's modules, with the quiet zone of four modules that
// scanners need around it.
type Code struct {
	modules [][]bool // [y][x], true for dark
}

// NewCode encodes text as a QR code with medium error correction (15 %),
// which survives a crease or a smudge on paper and keeps the code small.
func NewCode(text string) (*Code, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return &Code{modules: q.Bitmap()}, nil
}

// Size is the number of modules on each side, quiet zone included.
func (c *Code) Size() int { return len(c.modules) }

// Dark reports whether the module at x, y is dark.
func (c *Code) Dark(x, y int) bool { return c.modules[y][x] }

// PNG draws the code with scale pixels per module, in black on white.
func (c *Code) PNG(scale int) ([]byte, error) {
	n := c.Size() * scale
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.White, color.Black})
	for y := range n {
		for x := range n {
			if c.modules[y/scale][x/scale] {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr code png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG draws the code as one path, one module per user unit, so it scales
// to any size without blur. title names the code for screen readers.
func (c *Code) SVG(title string) []byte {
	n := strconv.Itoa(c.Size())
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n +
		`" width="` + strconv.Itoa(c.Size()*8) + `" height="` + strconv.Itoa(c.Size()*8) +
		`" shape-rendering="crispEdges" role="img">`)
	b.WriteString(`<title>` + escapeXML(title) + `</title>`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	c.eachRun(func(x, y, w int) {
		fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, w, w)
	})
	b.WriteString(`"/></svg>` + "\n")
	return []byte(b.String())
}

// eachRun calls fn for every horizontal run of dark modules.
func (c *Code) eachRun(fn func(x, y, w int)) {
	for y, row := range c.modules {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fn(start, y, x-start)
		}
	}
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func escapeXML(s string) string { return xmlEscaper.Replace(s) }
