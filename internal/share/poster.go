package share

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/shareimage"
)

// The poster's page, in millimetres.
const (
	pageW   = 210.0 // A4
	pageH   = 297.0
	margin  = 20.0
	bandH   = 16.0  // the coloured band with the hub's name
	qrSide  = 100.0 // the printed QR code, quiet zone included
	qrLines = 22.0  // the two lines beneath it
	textW   = pageW - 2*margin
	lineGap = 1.25 // line height as a multiple of the font size
)

// posterFont is the poster's font, for knowing what it can draw; the bold
// face has the same letters.
var posterFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic("the embedded Go font does not parse: " + err.Error())
	}
	return f
})

// ptToMM converts a font size to millimetres.
const ptToMM = 25.4 / 72

// PosterPDF makes a one-page A4 PDF to hang up or hand out at a parent
// meeting: the hub's name on a band of its colour, the material's kind,
// title and summary, and a QR code of the tagged link with the plain
// address beneath it for those who type. The text is set in the Go fonts,
// embedded, so Danish letters print on every printer. made is the
// document's date, so the same material gives the same file.
func PosterPDF(it Item, colour brand.Colour, made time.Time) ([]byte, error) {
	// What the fonts cannot draw (emoji, other scripts) is left out,
	// rather than printed as boxes or refused by the PDF writer.
	f := posterFont()
	it.Title, it.Summary, it.Hub = shareimage.Printable(f, it.Title), shareimage.Printable(f, it.Summary),
		shareimage.Printable(f, it.Hub)
	code, err := NewCode(Tagged(it.URL, Poster))
	if err != nil {
		return nil, err
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // the same input gives the same bytes
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetMargins(margin, margin, margin)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetTitle(it.Title, true)
	pdf.SetSubject(it.Summary, true)
	pdf.SetAuthor(it.Hub, true)
	pdf.SetCreator(it.Hub, true)
	pdf.SetLang(it.Language)
	pdf.SetCreationDate(made)
	pdf.SetModificationDate(made)
	pdf.AddPage()

	// The band: the hub's colour with the text colour that reads on it.
	text, _ := brand.TextOn(colour)
	pdf.SetFillColor(int(colour.R), int(colour.G), int(colour.B))
	pdf.Rect(0, 0, pageW, bandH, "F")
	pdf.SetTextColor(int(text.R), int(text.G), int(text.B))
	pdf.SetFont("go", "B", 14)
	pdf.SetXY(margin, 0)
	pdf.CellFormat(textW, bandH, it.Hub, "", 0, "LM", false, 0, "")

	pdf.SetTextColor(0x1a, 0x1a, 0x1a)
	pdf.SetXY(margin, bandH+14)
	write(pdf, "", 14, it.t("kind."+string(it.Kind)))
	pdf.SetY(pdf.GetY() + 2)
	titleSize := 30.0
	if len([]rune(it.Title)) > 90 {
		titleSize = 24
	}
	write(pdf, "B", titleSize, oneLine(it.Title))
	if s := oneLine(it.Summary); s != "" {
		pdf.SetY(pdf.GetY() + 6)
		write(pdf, "", 16, s)
	}

	// The code sits in the middle of the space left, never over the text.
	below := pdf.GetY() + 8
	top := below + max(0, (pageH-margin-below-qrSide-qrLines)/2)
	drawCode(pdf, code, (pageW-qrSide)/2, top, qrSide)
	pdf.SetXY(margin, top+qrSide+4)
	write(pdf, "B", 14, it.t("ws.share.poster.scan"), "C")
	pdf.SetTextColor(0x33, 0x33, 0x33)
	address := strings.TrimPrefix(strings.TrimPrefix(it.URL, "https://"), "http://")
	write(pdf, "", 12, it.t("ws.share.poster.type", address), "C")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("poster of %q: %w", it.Title, err)
	}
	return buf.Bytes(), nil
}

// write sets text across the page in the Go font at size points, wrapped,
// left-aligned unless an alignment is given.
func write(pdf *fpdf.Fpdf, style string, size float64, text string, align ...string) {
	a := "L"
	if len(align) > 0 {
		a = align[0]
	}
	pdf.SetFont("go", style, size)
	pdf.SetX(margin)
	pdf.MultiCell(textW, size*ptToMM*lineGap, text, "", a, false)
}

// drawCode draws the QR code as filled squares, so it prints sharp at any
// size, side millimetres wide with its top left corner at x, y.
func drawCode(pdf *fpdf.Fpdf, c *Code, x, y, side float64) {
	m := side / float64(c.Size())
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, side, side, "F")
	pdf.SetFillColor(0, 0, 0)
	// Each row overlaps the next by a hair, so no viewer shows a seam.
	const seam = 0.02
	c.eachRun(func(cx, cy, w int) {
		pdf.Rect(x+float64(cx)*m, y+float64(cy)*m, float64(w)*m, m+seam, "F")
	})
}
