package shareimage

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/bindeled/bindeled/internal/brand"
	"golang.org/x/image/font"
)

// photo is a flat grey picture of w×h with a detailed checkerboard in
// detail.
func photo(w, h int, detail image.Rectangle) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{128, 128, 128, 255}
			if (image.Point{x, y}).In(detail) && (x/4+y/4)%2 == 0 {
				c = color.RGBA{250, 250, 250, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func TestFocusKeepsTheDetailedPart(t *testing.T) {
	for _, tt := range []struct {
		name   string
		img    image.Image
		within image.Rectangle // the window must hold this
		want   image.Rectangle // or be exactly this, when set
	}{
		{name: "wide, subject at the left", img: photo(2000, 600, image.Rect(100, 100, 500, 500)),
			within: image.Rect(100, 0, 500, 600)},
		{name: "wide, subject at the right", img: photo(2000, 600, image.Rect(1500, 100, 1900, 500)),
			within: image.Rect(1500, 0, 1900, 600)},
		{name: "tall, subject at the bottom", img: photo(800, 1600, image.Rect(100, 1300, 700, 1550)),
			within: image.Rect(0, 1300, 800, 1550)},
		{name: "tall, subject at the top", img: photo(800, 1600, image.Rect(100, 20, 700, 300)),
			within: image.Rect(0, 20, 800, 300)},
		{name: "no subject: the centre", img: photo(2000, 600, image.Rectangle{}),
			want: image.Rect(429, 0, 1571, 600)},
		{name: "the right shape already", img: photo(1200, 630, image.Rectangle{}), want: image.Rect(0, 0, 1200, 630)},
	} {
		got := Focus(tt.img, Width, Height)
		if !tt.want.Empty() && got != tt.want {
			t.Errorf("%s: window %v, want %v", tt.name, got, tt.want)
		}
		if !tt.within.Empty() && !tt.within.In(got) {
			t.Errorf("%s: window %v leaves out %v", tt.name, got, tt.within)
		}
		if r := float64(got.Dx()) / float64(got.Dy()); r < 1.89 || r > 1.92 {
			t.Errorf("%s: window %v has proportions %.3f", tt.name, got, r)
		}
		if !got.In(tt.img.Bounds()) {
			t.Errorf("%s: window %v outside the image %v", tt.name, got, tt.img.Bounds())
		}
	}
}

func TestCropMakesAJPEGOfTheShareSize(t *testing.T) {
	var src bytes.Buffer
	if err := png.Encode(&src, photo(1600, 1200, image.Rect(200, 100, 1400, 500))); err != nil {
		t.Fatal(err)
	}
	out, err := Crop(src.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	if img.Bounds() != image.Rect(0, 0, Width, Height) {
		t.Errorf("size %v", img.Bounds())
	}
	if _, err := Crop([]byte("not an image")); err == nil {
		t.Error("a broken photo was cropped")
	}
}

func TestRenderDrawsTheCard(t *testing.T) {
	dark := Card{Title: "Det gode forældremøde", Kind: "Artikel", Site: "Skole og hjem", Owner: "Aarhus Kommune",
		Colour: brand.DefaultColour}
	light := dark
	light.Colour = brand.Colour{R: 0xf2, G: 0xc1, B: 0x4e}

	for _, c := range []Card{dark, light} {
		b, err := Render(c)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if img.Bounds() != image.Rect(0, 0, Width, Height) {
			t.Fatalf("size %v", img.Bounds())
		}
		bg := color.RGBAModel.Convert(img.At(Width/2, 20)).(color.RGBA)
		if bg != (color.RGBA{c.Colour.R, c.Colour.G, c.Colour.B, 255}) {
			t.Errorf("background %v, want the brand colour %v", bg, c.Colour)
		}
		ink, _ := brand.TextOn(c.Colour)
		inked := 0
		for y := titleTop; y < titleTop+titleBand; y++ {
			for x := margin; x < Width-margin; x++ {
				if color.RGBAModel.Convert(img.At(x, y)) == (color.RGBA{ink.R, ink.G, ink.B, 255}) {
					inked++
				}
			}
		}
		if inked < 2000 {
			t.Errorf("colour %v: only %d pixels of the title in %v", c.Colour, inked, ink)
		}
		again, _ := Render(c)
		if !bytes.Equal(b, again) {
			t.Error("the same card gave other bytes")
		}
	}

	a, _ := Render(dark)
	renamed := dark
	renamed.Title = "Det gode forældremøde i 0. klasse"
	b, _ := Render(renamed)
	if bytes.Equal(a, b) {
		t.Error("a new title gave the same image")
	}
}

func TestLongTitlesFitAndOddLettersAreDropped(t *testing.T) {
	face, err := newFace(bold, 46)
	if err != nil {
		t.Fatal(err)
	}
	long := ""
	for i := 0; i < 40; i++ {
		long += "forældresamarbejde "
	}
	if _, err := Render(Card{Title: long, Kind: "Artikel", Site: "Skole og hjem"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range wrap(face, "Skolehjemsamtaleforberedelsesvejledningsmaterialesamlingen", 400) {
		if w := measure(face, l); w > 400 {
			t.Errorf("line %q is %d px, more than 400", l, w)
		}
	}
	if got := Printable(bold, "Trivsel 🎉 i\tklassen\x07"); got != "Trivsel i klassen" {
		t.Errorf("printable: %q", got)
	}
	if got := Printable(bold, "Æbler, øl og ålegræs"); got != "Æbler, øl og ålegræs" {
		t.Errorf("Danish letters dropped: %q", got)
	}
}

func measure(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

func BenchmarkRender(b *testing.B) {
	c := Card{Title: "Tjekliste: Sådan forbereder I jer til skole-hjem-samtalen", Kind: "Vejledning",
		Site: "Skole og hjem", Owner: "Skoleforvaltningen", Colour: brand.DefaultColour}
	for b.Loop() {
		if _, err := Render(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCrop crops a photo of the largest size the media store keeps.
func BenchmarkCrop(b *testing.B) {
	var src bytes.Buffer
	if err := jpeg.Encode(&src, photo(2400, 1600, image.Rect(300, 200, 1200, 900)), nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Crop(src.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
