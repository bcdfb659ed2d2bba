package web_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/gen2brain/webp"
)

// hostileSVG is an SVG with an onload handler and a javascript: link.
const hostileSVG = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<a xlink:href="javascript:alert(2)"><text x="10" y="20">Klik</text></a></svg>`

// pixelBombPNG is a PNG of about 45 KB whose header declares 30000 × 30000
// pixels: 2.7 GB once decoded.
func pixelBombPNG() []byte {
	chunk := func(b []byte, typ string, data []byte) []byte {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		start := len(b)
		b = append(append(b, typ...), data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, 30000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 30000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	b := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	b = chunk(b, "IDAT", bytes.Repeat([]byte{0x78}, 45<<10))
	return chunk(b, "IEND", nil)
}

// TestHostileUploadsRefused sends, through the real upload route, an SVG
// with an onload handler and a javascript: link in every file field and a
// 45 KB PNG that declares 30000 × 30000 pixels, which must be refused from
// its header at once. Each gets its message beside the field, and the
// form keeps what was typed. TestUploadRefusals has the HTML named .jpg.
func TestHostileUploadsRefused(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleAdmin)
		tests := []struct {
			name, kind, problem string
			f                   file
			want                string
		}{
			{"svg as cover", "guide", "#cover-problem", file{"cover", "billede.svg", []byte(hostileSVG)}, "SVG"},
			{"svg named png", "guide", "#cover-problem", file{"cover", "billede.png", []byte(hostileSVG)}, "SVG"},
			{"svg as poster", "film", "#poster-problem", file{"poster", "plakat.svg", []byte(hostileSVG)}, "SVG"},
			{"svg as film", "film", "#video-problem", file{"video", "film.svg", []byte(hostileSVG)}, "SVG"},
			{"svg as captions", "film", "#captions-problem", file{"captions", "da.vtt", []byte(hostileSVG)},
				"SVG"},
			{"svg as attachment", "guide", "#attachments-problem", file{"attachment_file_0", "bilag.svg",
				[]byte(hostileSVG)}, "SVG"},
			{"pixel bomb", "guide", "#cover-problem", file{"cover", "stor.png", pixelBombPNG()}, "for mange pixels"},
		}
		for _, tt := range tests {
			base := [][2]string{{"csrf", csrf}, {"kind", tt.kind}, {"title", "Med filer"}, {"summary", "Kort."},
				{"audiences", "parents"}, {"language", "da"}, {"cover_alt", "alt"}, {"action", "save"}}
			start := time.Now()
			p := c.postMultipart("/redaktion/materialer", base, tt.f)
			took := time.Since(start)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(tt.problem), tt.want) {
				t.Errorf("%s: %d %q, want a message with %q", tt.name, p.status, p.text(tt.problem), tt.want)
			}
			if p.attr("#title", "value") != "Med filer" {
				t.Errorf("%s: the form lost the title", tt.name)
			}
			if took > 2*time.Second {
				t.Errorf("%s: the refusal took %v", tt.name, took)
			}
		}
		if n, _ := materialsCount(h); n != 0 {
			t.Errorf("%d materials saved by refused uploads", n)
		}

		settings := c.get("/redaktion/indstillinger")
		p := c.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", csrf}, {"name", "Hubben"},
			{"colour", settings.attr("#colour", "value")}}, file{"logo", "logo.svg", []byte(hostileSVG)})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#logo-problem"), "SVG") {
			t.Errorf("svg as logo: %d %q", p.status, p.text("#logo-problem"))
		}
	})
}

// The phone photo's secrets, each of which must be gone from every copy.
const (
	phoneMake   = "Fonemaker"
	phoneSerial = "SN-4471-9920"
	phoneNote   = "MAKERNOTE-7f3a-private"
	phoneAuthor = "Lise Fotograf"
)

// phoneJPEG is a 1600 × 1200 JPEG as a phone writes it, to be turned a
// quarter clockwise (EXIF orientation 6): blue, with a red block in its
// stored top-left corner. It carries a maker and model, a GPS position,
// a serial number, maker notes, an XMP author and a green 160 × 120
// thumbnail of the uncropped original.
func phoneJPEG(t *testing.T) []byte {
	t.Helper()
	encode := func(img image.Image) []byte {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	main := image.NewNRGBA(image.Rect(0, 0, 1600, 1200))
	thumb := image.NewNRGBA(image.Rect(0, 0, 160, 120))
	for y := range 1200 {
		for x := range 1600 {
			c := color.NRGBA{B: 255, A: 255}
			if x < 200 && y < 200 {
				c = color.NRGBA{R: 255, A: 255}
			}
			main.SetNRGBA(x, y, c)
		}
	}
	for y := range 120 {
		for x := range 160 {
			thumb.SetNRGBA(x, y, color.NRGBA{G: 255, A: 255})
		}
	}
	exif := append([]byte("Exif\x00\x00"), phoneTIFF(encode(thumb))...)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00" + `<x:xmpmeta xmlns:x="adobe:ns:meta/">` +
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>` + phoneAuthor +
		`</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`)
	out := []byte{0xff, 0xd8}
	for _, seg := range [][]byte{exif, xmp} {
		out = append(out, 0xff, 0xe1)
		out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
		out = append(out, seg...)
	}
	return append(out, encode(main)[2:]...)
}

// tiffTag is one entry of a TIFF directory; data longer than four bytes
// goes after the directory.
type tiffTag struct {
	id, typ uint16
	count   uint32
	data    []byte
}

// tiffDir writes a directory that starts at offset at, with its long
// values after it, and next as the offset of the following directory.
func tiffDir(at int, tags []tiffTag, next uint32) []byte {
	be := binary.BigEndian
	b := be.AppendUint16(nil, uint16(len(tags)))
	var extra []byte
	dataAt := at + 2 + 12*len(tags) + 4
	for _, tg := range tags {
		b = be.AppendUint16(b, tg.id)
		b = be.AppendUint16(b, tg.typ)
		b = be.AppendUint32(b, tg.count)
		if len(tg.data) <= 4 {
			b = append(b, append(tg.data, make([]byte, 4-len(tg.data))...)...)
			continue
		}
		b = be.AppendUint32(b, uint32(dataAt+len(extra)))
		extra = append(extra, tg.data...)
	}
	return append(be.AppendUint32(b, next), extra...)
}

func u32(v int) []byte      { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func u16(v int) []byte      { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func ascii(s string) []byte { return append([]byte(s), 0) }

// phoneTIFF lays out IFD0 (maker, model, orientation 6, pointers to the
// Exif and GPS directories), the Exif directory (serial number, maker
// notes), the GPS directory, and IFD1 with the thumbnail after it.
func phoneTIFF(thumb []byte) []byte {
	ifd0 := func(exifAt, gpsAt, ifd1At int) []byte {
		return tiffDir(8, []tiffTag{{0x010f, 2, uint32(len(phoneMake) + 1), ascii(phoneMake)},
			{0x0110, 2, 9, ascii("Phone 12")}, {0x0112, 3, 1, u16(6)}, {0x8769, 4, 1, u32(exifAt)},
			{0x8825, 4, 1, u32(gpsAt)}}, uint32(ifd1At))
	}
	exifAt := 8 + len(ifd0(0, 0, 0))
	exifDir := tiffDir(exifAt, []tiffTag{{0xa431, 2, uint32(len(phoneSerial) + 1), ascii(phoneSerial)},
		{0x927c, 7, uint32(len(phoneNote)), []byte(phoneNote)}}, 0)
	gpsAt := exifAt + len(exifDir)
	var lat []byte
	for _, v := range []int{55, 1, 40, 1, 3, 1} {
		lat = append(lat, u32(v)...)
	}
	gpsDir := tiffDir(gpsAt, []tiffTag{{0x0001, 2, 2, ascii("N")}, {0x0002, 5, 3, lat}}, 0)
	ifd1At := gpsAt + len(gpsDir)
	ifd1 := func(thumbAt int) []byte {
		return tiffDir(ifd1At, []tiffTag{{0x0201, 4, 1, u32(thumbAt)}, {0x0202, 4, 1, u32(len(thumb))}}, 0)
	}
	thumbAt := ifd1At + len(ifd1(0))
	b := append([]byte("MM\x00\x2a"), u32(8)...)
	for _, part := range [][]byte{ifd0(exifAt, gpsAt, ifd1At), exifDir, gpsDir, ifd1(thumbAt), thumb} {
		b = append(b, part...)
	}
	return b
}

// TestPhonePhotoRenditionsUprightAndClean uploads a phone photo through
// the real route, publishes it, runs the rendition jobs, and reads every
// copy a reader's browser can ask for (the original and each width in
// JPEG and WebP, from the page's srcset): each must be portrait with the
// red block top-right, as the phone meant it, and must carry none of the
// photo's metadata, no second image and no metadata segment or chunk.
func TestPhonePhotoRenditionsUprightAndClean(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		photo := phoneJPEG(t)
		secrets := []string{phoneMake, "Phone 12", phoneSerial, phoneNote, phoneAuthor, "Exif", "MM\x00\x2a",
			"http://ns.adobe.com/xap", "xmpmeta"}
		for _, s := range secrets {
			if !bytes.Contains(photo, []byte(s)) {
				t.Fatalf("the fixture lacks %q", s)
			}
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(photo)); err != nil || cfg.Width != 1600 {
			t.Fatalf("the fixture does not decode: %v", err)
		}

		c, csrf := h.login(storage.RoleEditor)
		p := c.postMultipart("/redaktion/materialer", [][2]string{{"csrf", csrf}, {"kind", "article"},
			{"title", "Fra telefonen"}, {"summary", "Kort."}, {"audiences", "parents"}, {"language", "da"},
			{"cover_alt", "Et billede"}, {"action", "save"}}, file{"cover", "IMG_0001.jpg", photo})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", p.status, p.text(".problem"))
		}
		ms, _, err := h.st.SearchMaterials(ctx, "", 1, 0)
		if err != nil || len(ms) != 1 {
			t.Fatalf("saved materials: %v", err)
		}
		m := ms[0]
		m.Status, m.PublishedAt = material.Published, time.Now()
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		r := &jobs.Runner{Store: h.st, Log: testLogger(t), Interval: time.Hour, Lease: time.Minute, Blobs: h.blobs}
		r.RunDue(ctx)

		page := h.client().get("/materialer/" + m.Slug)
		cover := page.doc.Find(".cover picture")
		srcs := []string{cover.Find("img").AttrOr("src", "")}
		for _, set := range []string{cover.Find("source").AttrOr("srcset", ""), cover.Find("img").AttrOr("srcset", "")} {
			for _, cand := range strings.Split(set, ",") {
				if f := strings.Fields(cand); len(f) > 0 {
					srcs = append(srcs, f[0])
				}
			}
		}
		webps := 0
		for _, src := range srcs {
			got := h.client().get(src)
			if got.status != http.StatusOK {
				t.Fatalf("%s: %d", src, got.status)
			}
			body := []byte(got.body)
			for _, s := range append(secrets, "XMP ", "EXIF", "ICCP") {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("%s carries %q", src, s)
				}
			}
			var img image.Image
			if got.header.Get("Content-Type") == "image/webp" {
				webps++
				img, err = webp.Decode(bytes.NewReader(body))
			} else {
				if bytes.Contains(body[2:], []byte{0xff, 0xd8, 0xff}) {
					t.Errorf("%s holds a second JPEG, such as a thumbnail", src)
				}
				img, err = jpeg.Decode(bytes.NewReader(body))
			}
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			checkUpright(t, src, img)
		}
		if len(srcs) < 5 || webps < 2 {
			t.Errorf("%d copies, %d of them WebP: %v", len(srcs), webps, srcs)
		}
	})
}

// checkUpright checks that img is portrait (1200 × 1600 scaled) with the
// red block in its top-right corner and blue in the top-left.
func checkUpright(t *testing.T, src string, img image.Image) {
	t.Helper()
	b := img.Bounds()
	if d := b.Dx()*4 - b.Dy()*3; d < -4 || d > 4 {
		t.Errorf("%s is %d × %d, want portrait 3:4", src, b.Dx(), b.Dy())
		return
	}
	at := func(fx, fy float64) (uint32, uint32) {
		r, _, bl, _ := img.At(b.Min.X+int(fx*float64(b.Dx())), b.Min.Y+int(fy*float64(b.Dy()))).RGBA()
		return r, bl
	}
	if r, bl := at(0.95, 0.03); r < 0xc000 || bl > 0x4000 {
		t.Errorf("%s: the top-right corner is not red", src)
	}
	if r, bl := at(0.05, 0.03); r > 0x4000 || bl < 0xc000 {
		t.Errorf("%s: the top-left corner is not blue", src)
	}
}
