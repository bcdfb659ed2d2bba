package media

import (
	"bytes"
	"errors"
)

// ebmlMagic is the ID of the EBML header element that starts Matroska and
// WebM files.
var ebmlMagic = []byte{0x1a, 0x45, 0xdf, 0xa3}

// ebmlDocType is the ID of the DocType element inside the EBML header.
const ebmlDocType = 0x4282

var errEBML = errors.New("malformed ebml header")

// detectEBML accepts an EBML file whose header names the DocType "webm".
func detectEBML(head []byte) (format, error) {
	docType, err := ebmlHeaderDocType(head)
	if err != nil {
		return format{}, &TypeError{Detected: "application/x-ebml", Err: err}
	}
	switch docType {
	case "webm":
		return fmtWebM, nil
	case "matroska":
		return format{}, &TypeError{Detected: "video/x-matroska"}
	}
	return format{}, &TypeError{Detected: "application/x-ebml"}
}

// ebmlHeaderDocType returns the DocType string of the EBML header at the
// start of head.
func ebmlHeaderDocType(head []byte) (string, error) {
	body := head[len(ebmlMagic):]
	size, n, ok := ebmlSize(body)
	if !ok {
		return "", errEBML
	}
	body = body[n:]
	if size >= 0 && size < int64(len(body)) {
		body = body[:size]
	}
	return ebmlFindString(body, ebmlDocType)
}

// ebmlFindString walks the elements in body and returns the string value
// of the first element with the given ID.
func ebmlFindString(body []byte, want uint64) (string, error) {
	for len(body) > 0 {
		id, n, ok := ebmlID(body)
		if !ok {
			return "", errEBML
		}
		body = body[n:]

		size, n, ok := ebmlSize(body)
		if !ok || size < 0 || size > int64(len(body)-n) {
			return "", errEBML
		}
		value := body[n : n+int(size)]
		body = body[n+int(size):]

		if id == want {
			return string(bytes.TrimRight(value, "\x00")), nil
		}
	}
	return "", errEBML
}

// ebmlVint reads the variable-length integer at the start of b. It returns
// the raw value with the length marker kept, the length in bytes and
// whether b held a complete integer of at most maxLen bytes.
func ebmlVint(b []byte, maxLen int) (raw uint64, n int, ok bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false
	}
	n = 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > maxLen || n > len(b) {
		return 0, 0, false
	}
	for _, c := range b[:n] {
		raw = raw<<8 | uint64(c)
	}
	return raw, n, true
}

// ebmlID reads an element ID (one to four bytes, marker kept).
func ebmlID(b []byte) (uint64, int, bool) {
	return ebmlVint(b, 4)
}

// ebmlSize reads an element size (one to eight bytes). An all-ones value,
// meaning "unknown size", is returned as -1.
func ebmlSize(b []byte) (int64, int, bool) {
	raw, n, ok := ebmlVint(b, 8)
	if !ok {
		return 0, 0, false
	}
	bits := uint(7 * n)
	value := raw & (1<<bits - 1)
	if value == 1<<bits-1 {
		return -1, n, true
	}
	return int64(value), n, true
}
