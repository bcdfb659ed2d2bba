package media

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Test fixtures, all built here from scratch.

var (
	red  = color.NRGBA{R: 255, A: 255}
	blue = color.NRGBA{B: 255, A: 255}
)

// markedImage is a blue w×h image with an 8×8 red block in its top-left
// corner.
func markedImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := blue
			if x < 8 && y < 8 {
				c = red
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// shadedImage is markedImage on a speckled background of four colours,
// as a chart or a pattern has: lossless WebP is smaller than PNG for it,
// at its own width and scaled down.
func shadedImage(w, h int) *image.NRGBA {
	img := markedImage(w, h)
	for y := range h {
		for x := range w {
			if x >= 8 || y >= 8 {
				v := uint8(uint32((x/8)*73856093^(y/8)*19349663) % 4)
				img.SetNRGBA(x, y, color.NRGBA{R: v * 60, G: 255 - v*60, B: 100, A: 255})
			}
		}
	}
	return img
}

// shadedPNG is a PNG file of shadedImage.
func shadedPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, shadedImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegFile(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, markedImage(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, markedImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifFile(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, markedImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// secretMake is a camera name hidden in the EXIF fixture; it must never
// reach the stored file.
const secretMake = "BindeledSecretCam"

// withEXIF inserts an APP1 Exif segment right after the SOI marker of a
// JPEG file. The segment holds a Make tag, the given orientation and a GPS
// latitude.
func withEXIF(jpg []byte, orientation uint16) []byte {
	seg := append([]byte("Exif\x00\x00"), exifTIFF(orientation)...)
	out := []byte{0xff, 0xd8, 0xff, 0xe1}
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// exifTIFF builds a big-endian TIFF structure: IFD0 with Make,
// Orientation and a GPS IFD pointer, then the GPS IFD.
func exifTIFF(orientation uint16) []byte {
	be := binary.BigEndian
	makeValue := secretMake + "\x00"
	const ifd0 = 8
	makeAt := ifd0 + 2 + 3*12 + 4
	gpsAt := makeAt + len(makeValue)
	latAt := gpsAt + 2 + 2*12 + 4

	b := []byte("MM\x00\x2a")
	b = be.AppendUint32(b, ifd0)
	b = be.AppendUint16(b, 3)
	b = ifdEntry(b, 0x010f, 2, uint32(len(makeValue)), uint32(makeAt))
	b = ifdEntry(b, 0x0112, 3, 1, uint32(orientation)<<16)
	b = ifdEntry(b, 0x8825, 4, 1, uint32(gpsAt))
	b = be.AppendUint32(b, 0)
	b = append(b, makeValue...)

	b = be.AppendUint16(b, 2)
	b = ifdEntry(b, 0x0001, 2, 2, uint32('N')<<24)
	b = ifdEntry(b, 0x0002, 5, 3, uint32(latAt))
	b = be.AppendUint32(b, 0)
	for _, v := range []uint32{55, 1, 40, 1, 3, 1} {
		b = be.AppendUint32(b, v)
	}
	return b
}

func ifdEntry(b []byte, tag, typ uint16, count, value uint32) []byte {
	be := binary.BigEndian
	b = be.AppendUint16(b, tag)
	b = be.AppendUint16(b, typ)
	b = be.AppendUint32(b, count)
	return be.AppendUint32(b, value)
}

// pngHeader is a PNG file whose IHDR claims w×h RGB pixels and which has
// no pixel data at all.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = pngChunk(out, "IHDR", ihdr)
	return pngChunk(out, "IEND", nil)
}

func pngChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// jpegHeader is a JPEG start with a baseline SOF claiming w×h pixels and
// an SOS marker with no scan data after it.
func jpegHeader(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	return append(b, 0xff, 0xda, 0x00, 0x0c)
}

// withPNGText inserts a tEXt chunk right after the IHDR chunk of a PNG.
func withPNGText(p []byte, key, value string) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, p[:ihdrEnd]...)
	out = pngChunk(out, "tEXt", []byte(key+"\x00"+value))
	return append(out, p[ihdrEnd:]...)
}

// bitWriter writes little-endian bit fields, as VP8L wants.
type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) write(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nacc > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}

// webpFile is a lossless WebP of w×h pixels of one colour. Each of the
// five prefix codes has a single symbol, so the pixels take no bits.
func webpFile(w, h int, c color.NRGBA) []byte {
	bw := &bitWriter{buf: []byte{0x2f}}
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(0, 1+3) // no alpha hint, version 0
	bw.write(0, 1)   // no transform
	bw.write(0, 1)   // no colour cache
	bw.write(0, 1)   // no meta prefix codes
	for _, v := range []uint8{c.G, c.R, c.B, c.A} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // eight-bit symbol
		bw.write(uint64(v), 8)
	}
	bw.write(0b0001, 4) // distance code: simple, one symbol, one-bit symbol 0
	return riffWebP("VP8L", bw.bytes())
}

func riffWebP(chunk string, data []byte) []byte {
	body := append([]byte("WEBP"+chunk), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	body = append(body, data...)
	if len(data)%2 == 1 {
		body = append(body, 0)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(out, body...)
}

// ebmlElement encodes one EBML element with a one-byte size.
func ebmlElement(id []byte, data []byte) []byte {
	out := append([]byte{}, id...)
	out = append(out, 0x80|byte(len(data)))
	return append(out, data...)
}

// webmFile is an EBML header with the given DocType followed by the start
// of a Segment of unknown size.
func webmFile(docType string) []byte {
	var hdr []byte
	hdr = append(hdr, ebmlElement([]byte{0x42, 0x86}, []byte{1})...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0xf7}, []byte{1})...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0xf2}, []byte{4})...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0xf3}, []byte{8})...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0x82}, []byte(docType))...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0x87}, []byte{4})...)
	hdr = append(hdr, ebmlElement([]byte{0x42, 0x85}, []byte{2})...)
	out := ebmlElement(ebmlMagic, hdr)
	out = append(out, 0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	return append(out, bytes.Repeat([]byte{0xec, 0x81, 0x00}, 100)...)
}

// mp4File is an ftyp box with the given major brand, then a free box and
// some media data.
func mp4File(brand string) []byte {
	b := binary.BigEndian.AppendUint32(nil, 24)
	b = append(b, "ftyp"+brand+"\x00\x00\x02\x00isomiso2"...)
	b = append(b, 0, 0, 0, 8, 'f', 'r', 'e', 'e')
	b = binary.BigEndian.AppendUint32(b, 8+256)
	b = append(b, "mdat"...)
	return append(b, bytes.Repeat([]byte{0x42}, 256)...)
}

// zipEntry is one file of a test archive.
type zipEntry struct {
	name, body string
}

func zipFile(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e.name == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`

func docxFile(t testing.TB, extra ...zipEntry) []byte {
	entries := []zipEntry{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", `<Relationships/>`},
		{"word/document.xml", `<w:document><w:body><w:p/></w:body></w:document>`},
	}
	return zipFile(t, append(entries, extra...)...)
}

func odtFile(t testing.TB, mimetype string, extra ...zipEntry) []byte {
	entries := []zipEntry{
		{"mimetype", mimetype},
		{"META-INF/manifest.xml", `<manifest:manifest/>`},
		{"content.xml", `<office:document-content/>`},
	}
	return zipFile(t, append(entries, extra...)...)
}

const vttFile = "WEBVTT\n\n00:00.000 --> 00:02.000\nGodmorgen, børn!\n"

const svgFile = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>`

const svgXMLFile = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<SVG xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></SVG>`

const htmlFile = `<!DOCTYPE html><html><body><script>alert(document.cookie)</script>`
