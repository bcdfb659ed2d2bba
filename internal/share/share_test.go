package share_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/share"
)

var item = share.Item{
	Title:    "Det gode forældremøde",
	Summary:  "Sådan får I et møde, hvor\nforældrene  taler med – også om økonomi.",
	Kind:     material.Guide,
	Language: "da",
	URL:      "https://skoleoghjem.example.dk/materialer/det-gode-foraeldremoede",
	Hub:      "Skole og hjem",
}

func TestTagged(t *testing.T) {
	tests := []struct {
		link string
		c    share.Channel
		want string
	}{
		{"https://hub.example.dk/materialer/a", share.Aula, "https://hub.example.dk/materialer/a?k=aula"},
		{"https://hub.example.dk/materialer/a?k=qr", share.Poster, "https://hub.example.dk/materialer/a?k=plakat"},
		{"https://hub.example.dk/materialer/a?video=vis", share.Widget,
			"https://hub.example.dk/materialer/a?k=widget&video=vis"},
	}
	for _, tt := range tests {
		if got := share.Tagged(tt.link, tt.c); got != tt.want {
			t.Errorf("Tagged(%q, %s) = %q, want %q", tt.link, tt.c, got, tt.want)
		}
	}
	for _, c := range share.Channels {
		if got, ok := share.ParseChannel(string(c)); !ok || got != c {
			t.Errorf("ParseChannel(%q) = %q, %v", c, got, ok)
		}
	}
	for _, bad := range []string{"", "AULA", "aula ", "ukendt"} {
		if _, ok := share.ParseChannel(bad); ok {
			t.Errorf("ParseChannel(%q) accepted", bad)
		}
	}
}

func TestAulaMessage(t *testing.T) {
	subject, body := share.AulaMessage(item)
	if subject != item.Title {
		t.Errorf("subject %q", subject)
	}
	want := "Det gode forældremøde\n\n" +
		"Sådan får I et møde, hvor forældrene taler med – også om økonomi.\n\n" +
		"Læs og hent vejledningen her:\n" +
		"https://skoleoghjem.example.dk/materialer/det-gode-foraeldremoede?k=aula\n\n" +
		"Materialet kommer fra Skole og hjem."
	if body != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
	// Plain text only: no markup that Aula would show as it is.
	if strings.ContainsAny(body, "<>*#[]") {
		t.Errorf("the message has markup: %q", body)
	}

	en := item
	en.Language, en.Kind = "en", material.Film
	if _, body := share.AulaMessage(en); !strings.Contains(body, "Watch the film here:\n") {
		t.Errorf("an English film's message: %q", body)
	}
}

func TestNewsletterText(t *testing.T) {
	got := share.NewsletterText(item)
	want := "Det gode forældremøde\n" +
		"Sådan får I et møde, hvor forældrene taler med – også om økonomi. " +
		"Læs og hent vejledningen her: " +
		"https://skoleoghjem.example.dk/materialer/det-gode-foraeldremoede?k=nyhedsbrev"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// decode reads a QR code from an image with an independent decoder.
func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}

func TestCodePNGScans(t *testing.T) {
	link := share.Tagged(item.URL, share.QR)
	c, err := share.NewCode(link)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.PNG(6)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx(); got != c.Size()*6 {
		t.Errorf("width %d, want %d", got, c.Size()*6)
	}
	// The quiet zone: four light modules on every side.
	for i := 0; i < c.Size(); i++ {
		for q := 0; q < 4; q++ {
			if c.Dark(i, q) || c.Dark(q, i) || c.Dark(i, c.Size()-1-q) || c.Dark(c.Size()-1-q, i) {
				t.Fatalf("a dark module in the quiet zone at %d, %d", i, q)
			}
		}
	}
	if got := decode(t, img); got != link {
		t.Errorf("the PNG scans as %q, want %q", got, link)
	}
}

// rasterize draws the dark squares of an SVG path of "Mx yhWv1h-Wz" runs.
func rasterize(t *testing.T, svg []byte, scale int) image.Image {
	t.Helper()
	view := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindSubmatch(svg)
	if view == nil {
		t.Fatalf("no viewBox in %s", svg)
	}
	n := atoi(t, string(view[1]))
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	runs := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllSubmatch(svg, -1)
	if len(runs) == 0 {
		t.Fatal("no modules in the SVG")
	}
	for _, r := range runs {
		x, y, w := atoi(t, string(r[1])), atoi(t, string(r[2])), atoi(t, string(r[3]))
		for py := y * scale; py < (y+1)*scale; py++ {
			for px := x * scale; px < (x+w)*scale; px++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	return img
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestCodeSVGScans(t *testing.T) {
	link := share.Tagged(item.URL, share.QR)
	c, err := share.NewCode(link)
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG(`QR-kode til "Det gode forældremøde" & mere`)
	if !bytes.HasPrefix(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg"`)) {
		t.Errorf("not an SVG document: %.80s", svg)
	}
	if !bytes.Contains(svg, []byte(`<title>QR-kode til &quot;Det gode forældremøde&quot; &amp; mere</title>`)) {
		t.Errorf("the title is not escaped: %s", svg)
	}
	if got := decode(t, rasterize(t, svg, 4)); got != link {
		t.Errorf("the SVG scans as %q, want %q", got, link)
	}
}

// pdfPage reads the first page of a PDF: its text, as a PDF reader
// extracts it through the fonts' Unicode maps, and its filled rectangles.
func pdfPage(t *testing.T, b []byte) (string, []pdf.Rect, float64) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read the PDF: %v", err)
	}
	if r.NumPage() != 1 {
		t.Errorf("%d pages, want 1", r.NumPage())
	}
	p := r.Page(1)
	box := p.V.Key("Parent").Key("MediaBox") // fpdf sets the size once for every page
	width, height := box.Index(2).Float64(), box.Index(3).Float64()
	if width < 595 || width > 596 || height < 841 || height > 842 {
		t.Errorf("page of %.1f × %.1f pt, want A4 (595 × 842)", width, height)
	}
	var text strings.Builder
	for _, s := range p.Content().Text {
		text.WriteString(s.S)
	}
	return text.String(), p.Content().Rect, height
}

func TestPosterPDF(t *testing.T) {
	made := time.Date(2030, 4, 2, 7, 0, 0, 0, time.UTC)
	b, err := share.PosterPDF(item, brand.DefaultColour, made)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
	again, err := share.PosterPDF(item, brand.DefaultColour, made)
	if err != nil || !bytes.Equal(b, again) {
		t.Error("the same material gives a different file")
	}

	text, rects, pageH := pdfPage(t, b)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"Skole og hjem", "Vejledning", "Det gode forældremøde",
		"Sådan får I et møde", "også om økonomi", "Scan koden med mobilens kamera",
		"skoleoghjem.example.dk/materialer/det-gode-foraeldremoede"} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the poster's text lacks %q:\n%s", want, text)
		}
	}

	// Draw the rectangles that make the code and scan it.
	if got := decode(t, drawRects(rects, pageH)); got != share.Tagged(item.URL, share.Poster) {
		t.Errorf("the poster's code scans as %q", got)
	}
}

// drawRects paints the filled rectangles of a page, 3 pixels a point, in
// black, except the band across the top, which is the brand colour.
func drawRects(rects []pdf.Rect, pageH float64) image.Image {
	const scale = 3
	img := image.NewGray(image.Rect(0, 0, 596*scale, int(pageH)*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, r := range rects {
		// A rectangle's corners come as drawn, not ordered.
		x0, x1 := min(r.Min.X, r.Max.X), max(r.Min.X, r.Max.X)
		y0, y1 := min(r.Min.Y, r.Max.Y), max(r.Min.Y, r.Max.Y)
		if x1-x0 > 200 { // the band and the code's white ground
			continue
		}
		for y := int((pageH - y1) * scale); y < int((pageH-y0)*scale); y++ {
			for x := int(x0 * scale); x < int(x1*scale); x++ {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	return img
}

// TestPosterLeavesOutWhatTheFontCannotDraw: emoji, scripts the fonts
// lack and separate accents do not stop the poster.
func TestPosterLeavesOutWhatTheFontCannotDraw(t *testing.T) {
	it := item
	it.Title = "Skolestart med madpakke 🎒 og cafe\u0301 中文"
	it.Summary = "Husk madpakken 🎒 og godt humør 💥"
	b, err := share.PosterPDF(it, brand.DefaultColour, time.Date(2030, 4, 2, 7, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("a poster with emoji: %v", err)
	}
	text, _, _ := pdfPage(t, b)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"Skolestartmedmadpakkeogcafé", "Huskmadpakkenoggodthumør"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the poster's text lacks %q:\n%s", want, text)
		}
	}
}

func TestPosterLongTextStaysOnThePage(t *testing.T) {
	long := item
	long.Title = strings.Repeat("Forældresamarbejde på tværs af årgangene ", 4)[:160]
	long.Summary = strings.Repeat("Et langt resumé om trivsel, fællesskab og økonomi. ", 6)[:300]
	b, err := share.PosterPDF(long, brand.Colour{R: 0xff, G: 0xd7, B: 0x00}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	text, rects, pageH := pdfPage(t, b)
	if !strings.Contains(text, "Scan koden") {
		t.Error("the scan line is missing")
	}
	if got := decode(t, drawRects(rects, pageH)); got != share.Tagged(long.URL, share.Poster) {
		t.Errorf("the code scans as %q", got)
	}
}
