package media

import (
	"bytes"
	"errors"
	"image/color"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want format
	}{
		{"jpeg", jpegFile(t, 8, 8), fmtJPEG},
		{"png", pngFile(t, 8, 8), fmtPNG},
		{"gif", gifFile(t, 8, 8), fmtGIF},
		{"webp", webpFile(3, 3, color.NRGBA{G: 9, A: 255}), fmtWebP},
		{"mp4", mp4File("mp42"), fmtMP4},
		{"mp4 dash", mp4File("dash"), fmtMP4},
		{"webm", webmFile("webm"), fmtWebM},
		{"webm padded doctype", webmFile("webm\x00\x00"), fmtWebM},
		{"vtt crlf", []byte("WEBVTT\r\n\r\n"), fmtVTT},
		{"vtt header text", []byte("WEBVTT\tKapitel 1\n"), fmtVTT},
		{"pdf", []byte("%PDF-2.0\n"), fmtPDF},
		{"docx", docxFile(t), fmtDOCX},
		{"docx upper-case names", zipFile(t, zipEntry{"[CONTENT_TYPES].XML", "<Types/>"},
			zipEntry{"Word/Document.xml", "<w/>"}), fmtDOCX},
		{"odt", odtFile(t, typeODT), fmtODT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := detect(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err != nil || got != tt.want {
				t.Errorf("detect = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestDetectVTTCutInsideRune(t *testing.T) {
	// The head ends in the middle of "ø"; that must not count as bad UTF-8.
	data := append([]byte("WEBVTT\n"), bytes.Repeat([]byte("a"), headSize-8)...)
	data = append(data, "ø\n"...)
	if data[headSize-1] != 0xc3 {
		t.Fatalf("fixture: byte %d is %#x", headSize-1, data[headSize-1])
	}
	got, err := detect(bytes.NewReader(data), int64(len(data)))
	if err != nil || got != fmtVTT {
		t.Errorf("detect = %v, %v; want vtt", got, err)
	}
}

func TestEBMLSizes(t *testing.T) {
	tests := []struct {
		in   []byte
		want int64
		n    int
		ok   bool
	}{
		{[]byte{0x81}, 1, 1, true},
		{[]byte{0xff}, -1, 1, true},
		{[]byte{0x40, 0x02}, 2, 2, true},
		{[]byte{0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, -1, 8, true},
		{[]byte{0x01, 0, 0, 0, 0, 0, 1, 0}, 256, 8, true},
		{[]byte{0x00, 0x81}, 0, 0, false},
		{[]byte{0x40}, 0, 0, false},
		{nil, 0, 0, false},
	}
	for _, tt := range tests {
		got, n, ok := ebmlSize(tt.in)
		if got != tt.want || n != tt.n || ok != tt.ok {
			t.Errorf("ebmlSize(% x) = %d, %d, %v; want %d, %d, %v",
				tt.in, got, n, ok, tt.want, tt.n, tt.ok)
		}
	}
}

// FuzzDetect checks that no input makes the detector or the text check
// panic, and that every refusal is a *TypeError.
func FuzzDetect(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := detect(bytes.NewReader(data), int64(len(data)))
		var te *TypeError
		switch {
		case err != nil && !errors.As(err, &te):
			t.Fatalf("detect error %v is not a *TypeError", err)
		case err == nil && got.class == "":
			t.Fatal("detect accepted a file without a class")
		case err == nil && got.class == Captions:
			_ = checkText(bytes.NewReader(data))
		}
	})
}

func fuzzSeeds(f *testing.F) [][]byte {
	return [][]byte{
		nil,
		jpegFile(f, 4, 4),
		pngHeader(1, 1),
		gifFile(f, 2, 2),
		webpFile(2, 2, red),
		mp4File("isom"),
		webmFile("webm"),
		[]byte(vttFile),
		[]byte("%PDF-1.4"),
		docxFile(f),
		odtFile(f, typeODT),
		[]byte(svgFile),
		[]byte(htmlFile),
		{0x1a, 0x45, 0xdf, 0xa3, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x42, 0x82},
	}
}
