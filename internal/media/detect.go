package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"slices"
	"unicode/utf8"
)

// Content types of accepted files.
const (
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
	typeGIF  = "image/gif"
	typeWebP = "image/webp"
	typeMP4  = "video/mp4"
	typeWebM = "video/webm"
	typeVTT  = "text/vtt; charset=utf-8"
	typePDF  = "application/pdf"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeODT  = "application/vnd.oasis.opendocument.text"
)

// format is a file type recognised from its bytes.
type format struct {
	class       Class
	contentType string
	ext         string
}

var (
	fmtJPEG = format{Image, typeJPEG, ".jpg"}
	fmtPNG  = format{Image, typePNG, ".png"}
	fmtGIF  = format{Image, typeGIF, ".gif"}
	fmtWebP = format{Image, typeWebP, ".webp"}
	fmtMP4  = format{Video, typeMP4, ".mp4"}
	fmtWebM = format{Video, typeWebM, ".webm"}
	fmtVTT  = format{Captions, typeVTT, ".vtt"}
	fmtPDF  = format{Document, typePDF, ".pdf"}
	fmtDOCX = format{Document, typeDOCX, ".docx"}
	fmtODT  = format{Document, typeODT, ".odt"}
)

// headSize is how much of a file the detector looks at. The ZIP check of
// documents reads the file's central directory as well.
const headSize = 4 * kib

// svgWindow is how far into a text file the SVG check looks.
const svgWindow = kib

// detect judges the type of the size bytes in ra from the bytes alone.
// Files it does not accept give a *TypeError.
func detect(ra io.ReaderAt, size int64) (format, error) {
	head := make([]byte, min(size, headSize))
	if _, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
		return format{}, fmt.Errorf("media: read head: %w", err)
	}

	if f, ok := magic(head); ok {
		return f, nil
	}
	switch {
	case isMP4(head):
		return fmtMP4, nil
	case bytes.HasPrefix(head, ebmlMagic):
		return detectEBML(head)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return detectZIP(ra, size)
	case isVTT(head, size):
		return fmtVTT, nil
	case isSVG(head):
		return format{}, &TypeError{Detected: svgType}
	}
	return format{}, &TypeError{Detected: http.DetectContentType(head)}
}

// magic recognises the types marked by fixed leading bytes.
func magic(head []byte) (format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return fmtJPEG, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG, true
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return fmtGIF, true
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return fmtWebP, true
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return fmtPDF, true
	}
	return format{}, false
}

// mp4Brands are the major brands of the ISO base media files accepted as
// MP4 video.
var mp4Brands = []string{
	"isom", "iso2", "iso3", "iso4", "iso5", "iso6",
	"mp41", "mp42", "avc1", "M4V ", "dash",
}

// isMP4 reports whether head starts with an ftyp box of an accepted brand.
func isMP4(head []byte) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	size := binary.BigEndian.Uint32(head)
	if size < 16 || size%4 != 0 || size > 1024 {
		return false
	}
	return slices.Contains(mp4Brands, string(head[8:12]))
}

// isVTT reports whether head starts a WebVTT file: optional UTF-8 byte
// order mark, "WEBVTT", then a space, tab, line break or the end of the
// file. The head must be UTF-8 without NUL bytes; Ingest checks the rest.
func isVTT(head []byte, size int64) bool {
	text := bytes.TrimPrefix(head, []byte("\ufeff"))
	rest, ok := bytes.CutPrefix(text, []byte("WEBVTT"))
	if !ok {
		return false
	}
	if len(rest) == 0 {
		if int64(len(head)) != size {
			return false
		}
	} else if !slices.Contains([]byte(" \t\n\r"), rest[0]) {
		return false
	}
	return validText(head, int64(len(head)) < size)
}

// validText reports whether b is UTF-8 without NUL bytes. When cut is
// true, b is the start of a longer text and may end inside a character.
func validText(b []byte, cut bool) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	if cut {
		b = trimPartialRune(b)
	}
	return utf8.Valid(b)
}

// trimPartialRune drops an incomplete UTF-8 sequence from the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// isSVG reports whether the first KB of head looks like SVG: an "<svg" tag,
// or an XML document that mentions svg.
func isSVG(head []byte) bool {
	text := bytes.ToLower(head[:min(len(head), svgWindow)])
	if bytes.Contains(text, []byte("<svg")) {
		return true
	}
	text = bytes.TrimLeft(bytes.TrimPrefix(text, []byte("\ufeff")), " \t\r\n")
	return bytes.HasPrefix(text, []byte("<?xml")) && bytes.Contains(text, []byte("svg"))
}
