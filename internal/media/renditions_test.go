package media

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"

	"golang.org/x/image/webp"
)

// photoWithEXIF is a w×h JPEG, blue with a red block in its top-left
// quarter, whose EXIF says to turn it 90° clockwise and holds a camera
// name and a GPS position.
func photoWithEXIF(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := blue
			if x < w/4 && y < h/4 {
				c = red
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return withEXIF(buf.Bytes(), 6)
}

func decodeRendition(t *testing.T, contentType string, data []byte) image.Image {
	t.Helper()
	dec := map[string]func([]byte) (image.Image, error){
		typeJPEG: func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		typePNG:  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		typeWebP: func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	}[contentType]
	if dec == nil {
		t.Fatalf("unexpected type %s", contentType)
	}
	img, err := dec(data)
	if err != nil {
		t.Fatalf("%s does not decode: %v", contentType, err)
	}
	return img
}

func TestMakeRenditionsOfAPhoto(t *testing.T) {
	p, d := newProcessor(t)
	info, err := p.Ingest(context.Background(), bytes.NewReader(photoWithEXIF(t, 1500, 900)), Image)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 900 || info.Height != 1500 {
		t.Fatalf("stored %d×%d, want 900×1500", info.Width, info.Height)
	}
	rs, err := MakeRenditions(context.Background(), d, info.Key, info.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	type made struct {
		typ  string
		w, h int
	}
	var got []made
	for _, r := range rs {
		got = append(got, made{r.ContentType, r.Width, r.Height})
		if !slices.Contains(RenditionKeys(info.Key, info.Width), r.Key) {
			t.Errorf("key %s is not among the keys deleted with the image", r.Key)
		}
		data := readStored(t, d, r.Key)
		if int64(len(data)) != r.Size {
			t.Errorf("%s: size %d recorded, %d stored", r.Key, r.Size, len(data))
		}
		for _, bad := range []string{"Exif", secretMake, "MM\x00\x2a", "GPS"} {
			if bytes.Contains(data, []byte(bad)) {
				t.Errorf("%s contains %q", r.Key, bad)
			}
		}
		img := decodeRendition(t, r.ContentType, data)
		if b := img.Bounds(); b.Dx() != r.Width || b.Dy() != r.Height {
			t.Errorf("%s decodes as %v, recorded %d×%d", r.Key, b, r.Width, r.Height)
		}
		// Upright: the red block, top-left in the camera's frame, is
		// top-right after the turn.
		if !isRed(img, r.Width-r.Width/10, r.Height/20) || isRed(img, r.Width/10, r.Height/20) {
			t.Errorf("%s is not upright", r.Key)
		}
	}
	want := []made{{typeJPEG, 400, 667}, {typeJPEG, 800, 1333},
		{typeWebP, 400, 667}, {typeWebP, 800, 1333}, {typeWebP, 900, 1500}}
	if !slices.Equal(got, want) {
		t.Errorf("renditions %v, want %v", got, want)
	}
}

func TestMakeRenditionsOfAGraphic(t *testing.T) {
	p, d := newProcessor(t)
	_, rs := ingestAndRender(t, p, d, shadedPNG(t, 1300, 100))
	var got []string
	for _, r := range rs {
		got = append(got, r.ContentType)
		img := decodeRendition(t, r.ContentType, readStored(t, d, r.Key))
		if img.Bounds().Dx() != r.Width {
			t.Errorf("%s: width %d, recorded %d", r.Key, img.Bounds().Dx(), r.Width)
		}
		if r.ContentType == typeWebP && r.Width == 1300 {
			t.Errorf("a WebP copy as wide as the image is made above %d px", maxWebPWidth)
		}
	}
	want := []string{typePNG, typePNG, typePNG, typeWebP, typeWebP, typeWebP}
	if !slices.Equal(got, want) {
		t.Errorf("renditions %v, want %v", got, want)
	}
	webpSmaller(t, rs)
}

// webpSmaller checks that every WebP rendition is smaller than the one in
// the image's own format of its width.
func webpSmaller(t *testing.T, rs []Rendition) {
	t.Helper()
	own := map[int]int64{}
	for _, r := range rs {
		if r.ContentType != typeWebP {
			own[r.Width] = r.Size
		}
	}
	for _, r := range rs {
		if n, ok := own[r.Width]; ok && r.ContentType == typeWebP && r.Size >= n {
			t.Errorf("%s: %d bytes, its own format's copy %d", r.Key, r.Size, n)
		}
	}
}

// TestNoWebPThatIsNotSmaller: a flat graphic that is smaller as PNG gets
// no WebP copies, at any width.
func TestNoWebPThatIsNotSmaller(t *testing.T) {
	p, d := newProcessor(t)
	for _, tt := range []struct {
		w, h int
		want []string
	}{
		{300, 200, nil},
		{1300, 100, []string{typePNG, typePNG, typePNG}},
	} {
		file := pngFile(t, tt.w, tt.h)
		info, rs := ingestAndRender(t, p, d, file)
		var got []string
		for _, r := range rs {
			got = append(got, r.ContentType)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%d×%d flat PNG of %d bytes: renditions %v, want %v", tt.w, tt.h, info.Size, got, tt.want)
		}
		for _, w := range append([]int{tt.w}, RenditionWidths...) {
			if b, err := d.Open(context.Background(), RenditionKey(info.Key, w, fmtWebP.ext)); err == nil {
				b.Close()
				t.Errorf("a WebP copy %d px wide was stored", w)
			}
		}
	}
}

func TestMakeRenditionsOfASmallImage(t *testing.T) {
	p, d := newProcessor(t)
	info, rs := ingestAndRender(t, p, d, shadedPNG(t, 300, 200))
	if len(rs) != 1 || rs[0].ContentType != typeWebP || rs[0].Width != 300 || rs[0].Height != 200 {
		t.Fatalf("renditions %+v, want one WebP of 300×200", rs)
	}
	if rs[0].Size >= info.Size {
		t.Errorf("the WebP copy has %d bytes, the image %d", rs[0].Size, info.Size)
	}
	img := decodeRendition(t, typeWebP, readStored(t, d, rs[0].Key))
	if !isRed(img, 2, 2) || isRed(img, 20, 20) {
		t.Error("the lossless copy lost its marker")
	}
	if _, err := MakeRenditions(context.Background(), d, "ffff0000.png", typePNG); err == nil {
		t.Error("a missing image gave no error")
	}
	if rs, err := MakeRenditions(context.Background(), d, info.Key, "video/mp4"); err != nil || rs != nil {
		t.Errorf("a video has renditions: %v %v", rs, err)
	}
}

// ingestAndRender stores an image and makes its renditions.
func ingestAndRender(t *testing.T, p *Processor, d *Disk, file []byte) (Info, []Rendition) {
	t.Helper()
	info, err := p.Ingest(context.Background(), bytes.NewReader(file), Image)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := MakeRenditions(context.Background(), d, info.Key, info.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	return info, rs
}
