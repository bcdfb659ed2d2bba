package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// newProcessor returns a Processor over a fresh Disk, with its own
// temporary directory.
func newProcessor(t *testing.T) (*Processor, *Disk) {
	t.Helper()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Processor{Blobs: d, Limits: DefaultLimits(), TempDir: t.TempDir()}, d
}

// readStored returns the bytes stored under key.
func readStored(t *testing.T, d *Disk, key string) []byte {
	t.Helper()
	b, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// assertEmptyDir fails if dir holds any file.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind in %s: %s", dir, e.Name())
	}
}

func TestIngestAccepts(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		class     Class
		typ, ext  string
		w, h      int
		sameBytes bool // stored as uploaded
	}{
		{"jpeg", jpegFile(t, 40, 20), Image, typeJPEG, ".jpg", 40, 20, false},
		{"png", withPNGText(pngFile(t, 30, 10), "Comment", secretMake),
			Image, typePNG, ".png", 30, 10, false},
		{"gif becomes png", gifFile(t, 16, 12), Image, typePNG, ".png", 16, 12, false},
		{"webp becomes png", webpFile(7, 5, red), Image, typePNG, ".png", 7, 5, false},
		{"mp4", mp4File("isom"), Video, typeMP4, ".mp4", 0, 0, true},
		{"mp4 m4v brand", mp4File("M4V "), Video, typeMP4, ".mp4", 0, 0, true},
		{"webm", webmFile("webm"), Video, typeWebM, ".webm", 0, 0, true},
		{"vtt", []byte(vttFile), Captions, typeVTT, ".vtt", 0, 0, true},
		{"vtt with bom", []byte("\ufeff" + vttFile), Captions, typeVTT, ".vtt", 0, 0, true},
		{"vtt bare", []byte("WEBVTT"), Captions, typeVTT, ".vtt", 0, 0, true},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
			Document, typePDF, ".pdf", 0, 0, true},
		{"docx", docxFile(t), Document, typeDOCX, ".docx", 0, 0, true},
		{"odt", odtFile(t, typeODT), Document, typeODT, ".odt", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d := newProcessor(t)
			info, err := p.Ingest(context.Background(), bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			if info.Class != tt.class || info.ContentType != tt.typ || info.Ext != tt.ext {
				t.Errorf("got %s %q %q, want %s %q %q",
					info.Class, info.ContentType, info.Ext, tt.class, tt.typ, tt.ext)
			}
			if info.Width != tt.w || info.Height != tt.h {
				t.Errorf("size %d×%d, want %d×%d", info.Width, info.Height, tt.w, tt.h)
			}
			checkKeyFormat(t, info)

			stored := readStored(t, d, info.Key)
			if int64(len(stored)) != info.Size {
				t.Errorf("Info.Size %d, stored %d bytes", info.Size, len(stored))
			}
			if bytes.Contains(stored, []byte(secretMake)) && !tt.sameBytes {
				t.Errorf("re-encoded file still holds the upload's metadata")
			}
			if tt.sameBytes != bytes.Equal(stored, tt.data) {
				t.Errorf("stored bytes equal to upload: %v, want %v", !tt.sameBytes, tt.sameBytes)
			}
			assertEmptyDir(t, p.TempDir)
		})
	}
}

func checkKeyFormat(t *testing.T, info Info) {
	t.Helper()
	stem, ok := strings.CutSuffix(info.Key, info.Ext)
	if !ok || len(stem) != 32 || strings.Trim(stem, "0123456789abcdef") != "" {
		t.Errorf("key %q is not 32 hex characters + %q", info.Key, info.Ext)
	}
	if !ValidKey(info.Key) {
		t.Errorf("generated key %q is not valid", info.Key)
	}
}

func TestIngestKeysAreUnique(t *testing.T) {
	p, _ := newProcessor(t)
	seen := map[string]bool{}
	for range 20 {
		info, err := p.Ingest(context.Background(), strings.NewReader(vttFile))
		if err != nil {
			t.Fatal(err)
		}
		if seen[info.Key] {
			t.Fatalf("key %s generated twice", info.Key)
		}
		seen[info.Key] = true
	}
}

func TestIngestRefuses(t *testing.T) {
	longXML := `<?xml version="1.0"?>` + "\n<!DOCTYPE svg>\n<!--" +
		strings.Repeat("x", 2*kib) + "-->\n<svg/>"
	tests := []struct {
		name     string
		data     []byte
		allowed  []Class
		want     error
		detected string // substring of TypeError.Detected, if set
	}{
		{"svg", []byte(svgFile), nil, ErrSVG, svgType},
		{"svg xml prolog", []byte(svgXMLFile), nil, ErrSVG, svgType},
		{"svg tag after 1KB of xml", []byte(longXML), nil, ErrSVG, svgType},
		{"svg with bom and space", []byte("\ufeff  \n<svg></svg>"), nil, ErrSVG, svgType},
		{"html named .jpg", []byte(htmlFile), nil, ErrType, "text/html"},
		{"plain text", []byte("hello"), nil, ErrType, "text/plain"},
		{"empty", nil, nil, ErrType, ""},
		{"gif header with script", []byte("GIF89a\x01\x00\x01\x00<svg onload=alert(1)>"),
			nil, ErrType, typeGIF},
		{"truncated png", pngFile(t, 30, 30)[:60], nil, ErrType, typePNG},
		{"jpeg header only", jpegHeader(10, 10), nil, ErrType, typeJPEG},
		{"zero-size png", pngHeader(0, 5), nil, ErrType, typePNG},
		{"zip", zipFile(t, zipEntry{"a.txt", "hi"}), nil, ErrType, typeZIP},
		{"broken zip", []byte("PK\x03\x04garbage"), nil, ErrType, typeZIP},
		{"docm renamed", docxFile(t, zipEntry{"word/vbaProject.bin", "x"}), nil, ErrType,
			"macroEnabled"},
		{"docm content type", zipFile(t,
			zipEntry{"[Content_Types].xml", `<Types ContentType="application/` +
				`vnd.ms-word.document.macroEnabled.main+xml"/>`},
			zipEntry{"word/document.xml", "<w/>"}), nil, ErrType, "macroEnabled"},
		{"ods", odtFile(t, "application/vnd.oasis.opendocument.spreadsheet"), nil, ErrType,
			typeZIP},
		{"odt with macros", odtFile(t, typeODT, zipEntry{"Basic/Standard/Module1.xml", "x"}),
			nil, ErrType, "macros"},
		{"matroska", webmFile("matroska"), nil, ErrType, "matroska"},
		{"webm magic only", ebmlMagic, nil, ErrType, "ebml"},
		{"webm prefix doctype", webmFile("webmx"), nil, ErrType, "ebml"},
		{"quicktime", mp4File("qt  "), nil, ErrType, ""},
		{"heic", mp4File("heic"), nil, ErrType, ""},
		{"vtt without break", []byte("WEBVTTX\n"), nil, ErrType, ""},
		{"vtt with nul", []byte("WEBVTT\n\x00"), nil, ErrType, ""},
		{"vtt latin-1", []byte("WEBVTT\n\nGodmorgen, b\xf8rn"), nil, ErrType, ""},
		{"vtt bad utf-8 late", []byte("WEBVTT\n" + strings.Repeat("a", 6*kib) + "\xff"),
			nil, ErrType, typeVTT},
		{"pdf not allowed", []byte("%PDF-1.4\n"), []Class{Image, Video}, ErrType, typePDF},
		{"image not allowed", pngFile(t, 4, 4), []Class{Document}, ErrType, typePNG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d := newProcessor(t)
			_, err := p.Ingest(context.Background(), bytes.NewReader(tt.data), tt.allowed...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !errors.Is(err, ErrType) {
				t.Errorf("err = %v does not match ErrType", err)
			}
			if tt.want != ErrSVG && errors.Is(err, ErrSVG) {
				t.Errorf("err = %v matches ErrSVG", err)
			}
			checkDetected(t, err, tt.detected)
			assertEmptyDir(t, p.TempDir)
			assertEmptyDir(t, d.dir)
		})
	}
}

func TestIngestGIFScriptPolyglot(t *testing.T) {
	// "GIF89a/*" is both a GIF header and the start of a JavaScript comment.
	data := []byte("GIF89a/*\x00\x00\x00\x00*/=1;alert(document.domain);")
	p, _ := newProcessor(t)
	_, err := p.Ingest(context.Background(), bytes.NewReader(data))
	if !errors.Is(err, ErrPixels) && !errors.Is(err, ErrType) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	assertEmptyDir(t, p.TempDir)
}

func checkDetected(t *testing.T, err error, want string) {
	t.Helper()
	var te *TypeError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TypeError", err)
	}
	if !strings.Contains(strings.ToLower(te.Detected), strings.ToLower(want)) {
		t.Errorf("Detected = %q, want it to contain %q", te.Detected, want)
	}
}

func TestIngestPolyglotLosesPayload(t *testing.T) {
	payload := zipFile(t, zipEntry{"x.html", htmlFile})
	data := append(jpegFile(t, 20, 20), payload...)
	data = append(data, htmlFile...)

	p, d := newProcessor(t)
	info, err := p.Ingest(context.Background(), bytes.NewReader(data), Image)
	if err != nil {
		t.Fatal(err)
	}
	stored := readStored(t, d, info.Key)
	for _, bad := range []string{"<script", "PK\x03\x04", "x.html"} {
		if bytes.Contains(stored, []byte(bad)) {
			t.Errorf("stored image still contains %q", bad)
		}
	}
}

func TestIngestEXIFOrientationAndStripping(t *testing.T) {
	data := withEXIF(jpegFile(t, 40, 20), 6)
	for _, want := range []string{"Exif", secretMake, "MM\x00\x2a"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Fatalf("fixture lacks %q", want)
		}
	}

	p, d := newProcessor(t)
	info, err := p.Ingest(context.Background(), bytes.NewReader(data), Image)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 20 || info.Height != 40 {
		t.Errorf("size %d×%d, want 20×40 (rotated)", info.Width, info.Height)
	}

	stored := readStored(t, d, info.Key)
	for _, bad := range []string{"Exif", secretMake, "MM\x00\x2a", "GPS"} {
		if bytes.Contains(stored, []byte(bad)) {
			t.Errorf("stored image still contains %q", bad)
		}
	}
	checkRotatedMarker(t, stored)
}

// checkRotatedMarker decodes a stored 20×40 JPEG and checks that the red
// block, top-left in the upload, is top-right after a 90° clockwise turn.
func checkRotatedMarker(t *testing.T, stored []byte) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("decoded size %v", b)
	}
	if !isRed(img, 16, 3) {
		t.Error("marker is not in the top-right corner")
	}
	if isRed(img, 3, 3) {
		t.Error("marker is still in the top-left corner")
	}
}

func isRed(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r > 0xc000 && g < 0x4000 && b < 0x4000
}

func TestIngestShrinksLargeImages(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		w, h int
	}{
		{"png wide", pngFile(t, 3000, 600), MaxSide, 480},
		{"webp tall", webpFile(500, 4800, blue), 250, MaxSide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d := newProcessor(t)
			info, err := p.Ingest(context.Background(), bytes.NewReader(tt.data), Image)
			if err != nil {
				t.Fatal(err)
			}
			if info.Width != tt.w || info.Height != tt.h {
				t.Errorf("size %d×%d, want %d×%d", info.Width, info.Height, tt.w, tt.h)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(readStored(t, d, info.Key)))
			if err != nil || cfg.Width != tt.w || cfg.Height != tt.h {
				t.Errorf("stored png %d×%d (%v), want %d×%d",
					cfg.Width, cfg.Height, err, tt.w, tt.h)
			}
		})
	}
}

func TestIngestPixelBomb(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"png 100000×100000", pngHeader(100000, 100000)},
		{"jpeg 65000×65000", jpegHeader(65000, 65000)},
		{"webp 16384×16384", webpFile(16384, 16384, red)},
		{"png just over the limit", pngHeader(8000, 5001)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newProcessor(t)
			start := time.Now()
			_, err := p.Ingest(context.Background(), bytes.NewReader(tt.data), Image)
			if !errors.Is(err, ErrPixels) {
				t.Fatalf("err = %v, want ErrPixels", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("refusal took %v", d)
			}
			assertEmptyDir(t, p.TempDir)
		})
	}
}

// zeros produces n zero bytes without holding them, and counts what was
// read.
type zeros struct {
	n, read int64
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.read >= z.n {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), z.n-z.read))
	clear(p[:k])
	z.read += int64(k)
	return k, nil
}

func TestIngestTooLargeStreams(t *testing.T) {
	const limit = 1 * mib
	p, d := newProcessor(t)
	p.Limits = Limits{MaxBytes: map[Class]int64{Image: limit}}
	src := &zeros{n: 10 * mib}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := p.Ingest(context.Background(), src, Image)
	runtime.ReadMemStats(&after)

	var tl *TooLargeError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &tl) || tl.Limit != limit {
		t.Fatalf("err = %v, want *TooLargeError{Limit: %d}", err, limit)
	}
	if src.read > limit+1 {
		t.Errorf("read %d bytes, want at most %d", src.read, limit+1)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > limit/2 {
		t.Errorf("allocated %d bytes for a %d-byte upload", alloc, src.n)
	}
	assertEmptyDir(t, p.TempDir)
	assertEmptyDir(t, d.dir)
}

func TestIngestClassLimitAfterDetection(t *testing.T) {
	p, d := newProcessor(t)
	p.Limits = Limits{MaxBytes: map[Class]int64{Image: 50, Video: 10 * mib}}
	data := pngFile(t, 64, 64)

	_, err := p.Ingest(context.Background(), bytes.NewReader(data), Image, Video)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 50 {
		t.Fatalf("err = %v, want *TooLargeError{Limit: 50}", err)
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v does not match ErrTooLarge", err)
	}
	assertEmptyDir(t, p.TempDir)
	assertEmptyDir(t, d.dir)
}

// failingReader returns some bytes, then an error.
type failingReader struct {
	sent bool
}

var errBroken = errors.New("connection reset")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.sent {
		return 0, errBroken
	}
	f.sent = true
	return copy(p, "%PDF-1.4\n"), nil
}

func TestIngestReadErrorCleansUp(t *testing.T) {
	p, d := newProcessor(t)
	_, err := p.Ingest(context.Background(), &failingReader{})
	if !errors.Is(err, errBroken) {
		t.Fatalf("err = %v, want %v", err, errBroken)
	}
	assertEmptyDir(t, p.TempDir)
	assertEmptyDir(t, d.dir)
}

func TestIngestCancelled(t *testing.T) {
	p, d := newProcessor(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Ingest(ctx, strings.NewReader(vttFile))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertEmptyDir(t, p.TempDir)
	assertEmptyDir(t, d.dir)
}

func TestIngestZeroLimitsUseDefaults(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := &Processor{Blobs: d, TempDir: t.TempDir()}
	if _, err := p.Ingest(context.Background(), bytes.NewReader(pngFile(t, 8, 8))); err != nil {
		t.Fatalf("zero Limits refused a small image: %v", err)
	}
	_, err = p.Ingest(context.Background(), bytes.NewReader(pngHeader(9000, 9000)))
	if !errors.Is(err, ErrPixels) {
		t.Errorf("zero Limits: err = %v, want ErrPixels", err)
	}
}

// openFDs counts the open file descriptors of this process, where the
// system shows them.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open files: %v", err)
	}
	return len(entries)
}

func TestIngestClosesFiles(t *testing.T) {
	p, _ := newProcessor(t)
	inputs := [][]byte{
		pngFile(t, 8, 8), jpegFile(t, 3000, 10), []byte(svgFile), pngHeader(100000, 100000),
		[]byte(vttFile), docxFile(t), jpegHeader(10, 10), mp4File("isom"),
	}
	before := openFDs(t)
	for range 3 {
		for _, in := range inputs {
			_, _ = p.Ingest(context.Background(), bytes.NewReader(in))
		}
	}
	if after := openFDs(t); after > before {
		t.Errorf("%d files open before, %d after", before, after)
	}
	assertEmptyDir(t, p.TempDir)
}
