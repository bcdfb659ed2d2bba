package media

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

const typeZIP = "application/zip"

// maxPartSize caps how much of a ZIP entry the detector reads, so a
// compressed bomb cannot make it inflate much.
const maxPartSize = 256 * kib

// detectZIP accepts a DOCX or ODT document and refuses any other ZIP
// archive, including documents carrying macros.
func detectZIP(ra io.ReaderAt, size int64) (format, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return format{}, &TypeError{Detected: typeZIP, Err: err}
	}
	entries := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		entries[strings.ToLower(f.Name)] = f
	}

	if entries["[content_types].xml"] != nil && entries["word/document.xml"] != nil {
		return checkDOCX(entries)
	}
	if mt := entries["mimetype"]; mt != nil {
		return checkODT(mt, entries)
	}
	return format{}, &TypeError{Detected: typeZIP}
}

// checkDOCX refuses a Word document with macros, which a .docx must not
// have; renaming a .docm hides them from a casual look.
func checkDOCX(entries map[string]*zip.File) (format, error) {
	const docm = "application/vnd.ms-word.document.macroenabled.12"
	for name := range entries {
		if strings.HasSuffix(name, "vbaproject.bin") {
			return format{}, &TypeError{Detected: docm}
		}
	}

	types, err := readPart(entries["[content_types].xml"])
	if err != nil {
		return format{}, &TypeError{Detected: typeDOCX, Err: err}
	}
	if bytes.Contains(bytes.ToLower(types), []byte("macroenabled")) {
		return format{}, &TypeError{Detected: docm}
	}
	return fmtDOCX, nil
}

// checkODT accepts an OpenDocument text without embedded macros.
func checkODT(mimetype *zip.File, entries map[string]*zip.File) (format, error) {
	content, err := readPart(mimetype)
	if err != nil {
		return format{}, &TypeError{Detected: typeZIP, Err: err}
	}
	if string(bytes.TrimSpace(content)) != typeODT {
		return format{}, &TypeError{Detected: typeZIP}
	}

	for name := range entries {
		if strings.HasPrefix(name, "basic/") || strings.HasPrefix(name, "scripts/") {
			return format{}, &TypeError{Detected: typeODT + " with macros"}
		}
	}
	return fmtODT, nil
}

// readPart returns the content of a small ZIP entry.
func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer rc.Close()

	b, err := io.ReadAll(io.LimitReader(rc, maxPartSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	if len(b) > maxPartSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", f.Name, maxPartSize)
	}
	return b, nil
}
