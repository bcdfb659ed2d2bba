// Package markdown reads a folder of Markdown files with YAML or TOML front
// matter, as Hugo, Jekyll and Decap CMS write them, into a transfer.Bundle.
//
// docs/import.md, section "Markdown folders", says which keys are read and
// what each becomes.
package markdown

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// MaxFileSize is the largest Markdown file read, in bytes; a larger one is
// refused. A material's body holds at most material.BodyMax characters.
const MaxFileSize = 10 << 20

// MaxFiles is the most Markdown files one folder may hold.
const MaxFiles = 20000

// Options says how to read a folder.
type Options struct {
	// Source is the bundle's Source, such as "markdown:site"; "markdown"
	// when empty.
	Source string
	// Audiences are given to the materials whose front matter names none;
	// parents when empty.
	Audiences []material.Audience
	// Location is the zone of the dates written without one; Europe/
	// Copenhagen when nil.
	Location *time.Location
	// Now decides which materials are scheduled and which have expired;
	// the time of the call when zero.
	Now time.Time
}

// skipDirs are folders of a site that hold no content: templates, built
// output, assets and tooling. Folders whose name starts with a dot are
// skipped too.
var skipDirs = map[string]bool{
	"archetypes": true, "layouts": true, "themes": true, "static": true, "public": true, "resources": true,
	"assets": true, "node_modules": true, "_site": true, "_layouts": true, "_includes": true, "_sass": true,
	"_data": true, "__MACOSX": true, // what macOS adds to the zip files it makes
}

// plainDocs are names of files that document a repository rather than the
// site; without front matter they are skipped.
var plainDocs = map[string]bool{
	"readme": true, "license": true, "licence": true, "changelog": true, "contributing": true,
	"code_of_conduct": true, "security": true,
}

// ReadDir reads the Markdown files of fsys, a folder tree such as
// os.DirFS(dir), into a bundle. A file it cannot read as Markdown is
// refused with its reason; a folder without any Markdown file is an error.
func ReadDir(ctx context.Context, fsys fs.FS, opts Options) (*transfer.Bundle, error) {
	r := newReader(fsys, opts)
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || skipDirs[d.Name()]) {
				return fs.SkipDir
			}
			return nil
		}
		if isMarkdown(d.Name()) && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			names = append(names, p)
			if len(names) > MaxFiles {
				return fmt.Errorf("more than %d Markdown files", MaxFiles)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("markdown: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("markdown: the folder holds no Markdown files (.md or .markdown)")
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("markdown: %w", err)
		}
		r.readFile(name)
	}
	return r.bundle, nil
}

func isMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

// reader holds what ReadDir has read so far.
type reader struct {
	fsys       fs.FS
	opts       Options
	bundle     *transfer.Bundle
	themes     map[string]bool // Theme.Key values in the bundle
	slugs      map[string]bool // the slugs of the items so far
	warnedKeys map[string]bool
}

func newReader(fsys fs.FS, opts Options) *reader {
	if opts.Source == "" {
		opts.Source = "markdown"
	}
	if len(opts.Audiences) == 0 {
		opts.Audiences = []material.Audience{material.Parents}
	}
	if opts.Location == nil {
		opts.Location = localtime.Zone
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	return &reader{
		fsys: fsys, opts: opts,
		bundle:     &transfer.Bundle{Source: opts.Source},
		themes:     map[string]bool{},
		slugs:      map[string]bool{},
		warnedKeys: map[string]bool{},
	}
}

// refusal is the reason a file is refused.
type refusal struct{ code, detail string }

func (e *refusal) Error() string { return e.code + ": " + e.detail }

func refuse(code, detail string) error { return &refusal{code, detail} }

// readFile reads one file and adds it to the bundle, or its reason to
// Refused.
func (r *reader) readFile(name string) {
	item, skip, err := r.item(name)
	var ref *refusal
	switch {
	case errors.As(err, &ref):
		r.bundle.Refused = append(r.bundle.Refused, transfer.Problem{Where: name, Code: ref.code, Detail: ref.detail})
	case err != nil:
		r.bundle.Refused = append(r.bundle.Refused,
			transfer.Problem{Where: name, Code: "unreadable", Detail: err.Error()})
	case skip:
	default:
		if slug := transfer.UniqueSlug(item.Material.Slug, r.slugs); slug != item.Material.Slug {
			r.warn(name, "duplicate-slug", item.Material.Slug+" → "+slug)
			item.Material.Slug = slug
		}
		r.bundle.Items = append(r.bundle.Items, *item)
	}
}

func (r *reader) warn(where, code, detail string) {
	r.bundle.Problems = append(r.bundle.Problems, transfer.Problem{Where: where, Code: code, Detail: detail})
}

// item reads the file name into an item; skip is true for files that are
// not materials, such as Hugo's list pages.
func (r *reader) item(name string) (item *transfer.Item, skip bool, err error) {
	base := path.Base(name)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if strings.EqualFold(stem, "_index") || (path.Dir(name) == "." && strings.EqualFold(stem, "index")) {
		return nil, true, nil
	}
	data, modTime, err := r.readBytes(name)
	if err != nil {
		return nil, false, err
	}
	format, front, body, err := splitFrontMatter(data)
	if errors.Is(err, errNotClosed) {
		fence := map[string]string{"yaml": "---", "toml": "+++"}[format]
		return nil, false, refuse("front-matter-open", fence)
	}
	if format == "" && plainDocs[strings.ToLower(stem)] {
		r.warn(name, "skipped", base)
		return nil, true, nil
	}
	fm, err := parseFrontMatter(format, front)
	if err != nil {
		return nil, false, refuse("bad-front-matter", err.Error())
	}
	b := &builder{r: r, name: name, stem: stem, fm: lowerKeys(fm), body: string(body), modTime: modTime}
	item, err = b.build()
	return item, false, err
}

// readBytes reads a file and checks that it is text: UTF-8 without NUL
// bytes, and not some other kind of file with a Markdown name.
func (r *reader) readBytes(name string) ([]byte, time.Time, error) {
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	if info.Size() > MaxFileSize {
		return nil, time.Time{}, refuse("too-large", fmt.Sprintf("%d MiB", MaxFileSize>>20))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(data) > MaxFileSize {
		return nil, time.Time{}, refuse("too-large", fmt.Sprintf("%d MiB", MaxFileSize>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if kind := http.DetectContentType(data); !strings.HasPrefix(kind, "text/") {
		return nil, time.Time{}, refuse("not-markdown", strings.TrimSuffix(kind, "; charset=utf-8"))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, time.Time{}, refuse("not-markdown", "application/octet-stream")
	}
	if !utf8.Valid(data) {
		return nil, time.Time{}, refuse("not-utf8", strconv.Itoa(invalidUTF8At(data)))
	}
	return data, info.ModTime(), nil
}

// invalidUTF8At returns the offset of the first byte that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// lowerKeys returns fm with its top-level keys in lower case, as Hugo
// reads them ("publishDate" and "publishdate" are the same key).
func lowerKeys(fm frontMatter) frontMatter {
	out := make(frontMatter, len(fm))
	keys := make([]string, 0, len(fm))
	for k := range fm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		if _, ok := out[lk]; !ok {
			out[lk] = fm[k]
		}
	}
	return out
}
