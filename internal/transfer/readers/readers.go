// Package readers opens what a user names for an import—a file, a folder
// or a zip file of a folder—with the reader of its format. The command
// line and the workspace's upload both go through it, so they read alike.
package readers

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bindeled/bindeled/internal/fetch"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/transfer"
	"github.com/bindeled/bindeled/internal/transfer/links"
	"github.com/bindeled/bindeled/internal/transfer/markdown"
	"github.com/bindeled/bindeled/internal/transfer/wordpress"
)

// Formats are the formats Read knows, in the order the workspace shows
// them.
var Formats = []string{"wordpress", "markdown", "links"}

// ErrUnreadable wraps what makes a file unreadable as the format asked
// for: the user's file is at fault, not the hub.
var ErrUnreadable = errors.New("the file cannot be read")

// Options says how to read.
type Options struct {
	// Name is what the user calls the file or folder, for messages and
	// for the source's name; the base of the path when empty.
	Name string
	// Source tells apart independent folders of Markdown whose files have
	// the same names: the folders of two sites get a name each.
	Source string
	// Audiences are given to items that name none; each reader has its
	// default when empty.
	Audiences []material.Audience

	// For WordPress: MediaDir is a local copy of the uploads folder, Getter
	// fetches the files it lacks (nil fetches nothing), and Kinds says which
	// posts become links, guides or films.
	MediaDir string
	Getter   transfer.Getter
	Kinds    []wordpress.KindRule
}

// Read reads the file or folder at path in format. The bundle's files are
// read from the folder or zip file when the import is applied; close the
// returned Closer after that. It is never nil, also with an error.
func Read(ctx context.Context, format, p string, opts Options) (*transfer.Bundle, io.Closer, error) {
	if opts.Name == "" {
		opts.Name = filepath.Base(p)
	}
	var b *transfer.Bundle
	var c io.Closer = nopCloser{}
	var err error
	switch format {
	case "wordpress":
		b, err = readWordPress(ctx, p, opts)
	case "markdown":
		b, c, err = readMarkdown(ctx, p, opts)
	case "links":
		b, err = readLinks(ctx, p, opts)
	default:
		return nil, c, fmt.Errorf("unknown import format %q", format)
	}
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrUnreadable) {
		err = fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return b, c, err
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// Fetcher is the guarded fetcher an import fetches its files through:
// public addresses only, and the hosts the admins allow in settings, with
// no file larger than the largest upload the hub takes.
func Fetcher(settings map[string]string, limits media.Limits, log *slog.Logger) *fetch.Fetcher {
	var largest int64
	for _, n := range limits.MaxBytes {
		largest = max(largest, n)
	}
	return fetch.New(fetch.Options{AllowedHosts: fetch.FromSettings(settings), MaxBytes: largest, Logger: log})
}

func readWordPress(ctx context.Context, p string, opts Options) (*transfer.Bundle, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return wordpress.Read(ctx, f, wordpress.Options{Name: opts.Name, MediaDir: opts.MediaDir, Getter: opts.Getter,
		Kinds: opts.Kinds, Audiences: opts.Audiences})
}

func readLinks(ctx context.Context, p string, opts Options) (*transfer.Bundle, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return links.ReadCSV(ctx, f, links.Options{Name: opts.Name, Audiences: opts.Audiences})
}

// readMarkdown reads a folder, or a zip file of one. Its source is
// "markdown", or "markdown:" and opts.Source when given, whatever the
// folder or zip file is called, so a renamed copy updates what the first
// import made.
func readMarkdown(ctx context.Context, p string, opts Options) (*transfer.Bundle, io.Closer, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, nopCloser{}, err
	}
	mo := markdown.Options{Source: "markdown", Audiences: opts.Audiences}
	if opts.Source != "" {
		mo.Source += ":" + opts.Source
	}
	if info.IsDir() {
		// Inside the folder only: a symbolic link that leads out of it
		// is not followed.
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, nopCloser{}, err
		}
		b, err := markdown.ReadDir(ctx, root.FS(), mo)
		return b, root, err
	}
	fsys, closer, err := openZip(p)
	if err != nil {
		return nil, nopCloser{}, err
	}
	b, err := markdown.ReadDir(ctx, fsys, mo)
	return b, closer, err
}

// maxZipEntries bounds the entries of a zip file, folders included.
const maxZipEntries = 2 * markdown.MaxFiles

// siteFolders are folders of a site itself: a zip file holding only one
// of them was made of the site's contents, not of the site's folder.
var siteFolders = map[string]bool{"content": true, "_posts": true, "_drafts": true, "posts": true,
	"pages": true, "static": true}

// openZip opens a zip file as a folder. A zip file whose entries all sit
// in one folder, as when a folder is zipped, opens at that folder, so its
// files have the names they have in the folder itself.
func openZip(p string) (fs.FS, io.Closer, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte("PK\x03\x04")) {
		f.Close()
		return nil, nil, fmt.Errorf("%w: not a folder or a zip file", ErrUnreadable)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	zr, err := zip.NewReader(f, info.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if len(zr.File) > maxZipEntries {
		f.Close()
		return nil, nil, fmt.Errorf("%w: more than %d entries", ErrUnreadable, maxZipEntries)
	}
	for _, zf := range zr.File {
		if name := strings.TrimSuffix(zf.Name, "/"); !fs.ValidPath(name) || strings.Contains(name, `\`) {
			f.Close()
			return nil, nil, fmt.Errorf("%w: the entry %q would leave the folder", ErrUnreadable, zf.Name)
		}
	}
	var fsys fs.FS = zr
	if top := commonTop(zr.File); top != "" && !siteFolders[top] {
		if fsys, err = fs.Sub(zr, top); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return fsys, f, nil
}

// commonTop returns the one top folder that holds every entry, or "".
func commonTop(files []*zip.File) string {
	top := ""
	for _, f := range files {
		name := strings.TrimPrefix(path.Clean("/"+f.Name), "/")
		first, _, nested := strings.Cut(name, "/")
		if !nested && !f.FileInfo().IsDir() {
			return "" // a file at the top
		}
		if first == "__MACOSX" {
			continue
		}
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	return top
}
