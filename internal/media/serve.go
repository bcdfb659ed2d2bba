package media

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameRunes caps the length of a download file name.
const maxNameRunes = 120

// Serve writes the blob b with range support. contentType is the stored
// type from Info.ContentType; name is a display name suggested to the
// browser. Documents and unknown types are sent as attachments, images,
// videos and captions inline. The headers forbid sniffing, scripts and
// cross-site embedding; the response is cacheable forever because keys
// are never reused.
func Serve(w http.ResponseWriter, r *http.Request, b Blob, contentType string, name string) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}

	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "same-site")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	h.Set("Content-Disposition", disposition(contentType, name))
	h.Del("Content-Encoding")

	http.ServeContent(w, r, "", b.ModTime(), b)
}

// NoCompress reports whether responses of the content type should skip
// compression: video, audio and images are compressed already, and PDF,
// DOCX and ODT files as well. Range requests on videos also need the bytes
// as stored.
func NoCompress(contentType string) bool {
	mt := mediaType(contentType)
	switch {
	case strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "image/"),
		strings.HasPrefix(mt, "audio/"):
		return true
	}
	switch mt {
	case typePDF, typeDOCX, typeODT, typeZIP:
		return true
	}
	return false
}

// mediaType returns the lower-case type of a content type, without
// parameters.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// inline reports whether a type is shown in the browser rather than
// downloaded.
func inline(mt string) bool {
	switch mt {
	case typeJPEG, typePNG, typeGIF, typeWebP, typeMP4, typeWebM, mediaType(typeVTT):
		return true
	}
	return false
}

// disposition builds the Content-Disposition header value.
func disposition(contentType, name string) string {
	mt := mediaType(contentType)
	kind := "attachment"
	if inline(mt) {
		kind = "inline"
	}

	if kind == "inline" && strings.TrimSpace(name) == "" {
		return kind
	}
	return kind + "; filename*=UTF-8''" + encodeRFC5987(safeName(name, mt))
}

// safeName reduces a display name to a plain file name: no directories,
// no control or format characters, a bounded length and the extension of
// the stored type.
func safeName(name, mt string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			strings.ContainsRune(`"*:<>?|/\`, r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		name = "fil"
	}
	return withExt(truncateRunes(name, maxNameRunes), mt)
}

// withExt makes sure name ends with the extension of type mt, so the file
// opens in the program that matches its content. Unknown types get none.
func withExt(name, mt string) string {
	ext := extOf(mt)
	if ext == "" || strings.HasSuffix(strings.ToLower(name), ext) {
		return name
	}
	return name + ext
}

// extOf returns the extension this package stores type mt under.
func extOf(mt string) string {
	for _, f := range []format{fmtJPEG, fmtPNG, fmtGIF, fmtWebP, fmtMP4, fmtWebM, fmtVTT,
		fmtPDF, fmtDOCX, fmtODT} {
		if mediaType(f.contentType) == mt {
			return f.ext
		}
	}
	return ""
}

// truncateRunes keeps at most n runes of s.
func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// encodeRFC5987 percent-encodes s as an RFC 5987 ext-value, keeping only
// attr-char bytes as they are.
func encodeRFC5987(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

// isAttrChar reports whether c is an attr-char of RFC 5987.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
