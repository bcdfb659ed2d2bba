// Package starter holds the hub's starter collection: a set of themes, two
// fictional example schools and a few published materials with their media.
// The hub loads it on first start, when the database is empty, so a new
// installation has something to show; the administration then edits or
// replaces it.
//
// The collection lives as plain files under content/ and is embedded in the
// binary: themes.yaml, schools.yaml, one Markdown file with YAML front matter
// per material in materials/, and the media in media/. Load parses and checks
// all of it; Files gives the loader the media to ingest.
package starter

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bindeled/bindeled/internal/material"
)

//go:embed content
var files embed.FS

// contentDir is the directory in files that holds the collection.
const contentDir = "content"

// mediaDir is the directory, inside Files, that every media path points into.
const mediaDir = "media/"

// Theme is a subject area that materials are grouped under.
type Theme struct {
	Slug        string `yaml:"slug"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

// School is a school that materials can come from. The starter schools are
// fictional examples.
type School struct {
	Slug      string `yaml:"slug"`
	Name      string `yaml:"name"`
	ShortName string `yaml:"short_name"`
	URL       string `yaml:"url"`
}

// AttachmentFile is a downloadable file that belongs to a guide.
type AttachmentFile struct {
	Path  string // inside Files, e.g. "media/tjekliste.pdf"
	Title string
}

// Item is one material of the collection. Material is ready to be stored
// except for what only the store can know: its ID, its theme and school IDs
// and the IDs of its media. Those are given here by slug and by path inside
// Files instead. Material.Attachments[i] belongs to Attachments[i]; its
// MediaID is 0 until the loader has ingested the file.
type Item struct {
	// Material is published, has PublishedAt (and CreatedAt and UpdatedAt)
	// set to midnight UTC of its publishing date, and has its slug made by
	// material.Slugify from the title.
	Material material.Material

	ThemeSlugs []string
	SchoolSlug string // "" when the material does not come from a school

	// Paths inside Files, "" for none.
	Cover    string
	Video    string
	Captions string
	Poster   string

	Attachments []AttachmentFile
}

// Collection is the whole starter collection. Items are sorted by publishing
// date, oldest first, and by slug within a day.
type Collection struct {
	Themes  []Theme
	Schools []School
	Items   []Item
}

// Files returns the collection's files. Every media path in an Item, such as
// "media/film.mp4", names a file in it.
func Files() fs.FS {
	sub, err := fs.Sub(files, contentDir)
	if err != nil {
		// contentDir is a constant, valid path, so this cannot happen.
		panic(fmt.Sprintf("starter: %v", err))
	}
	return sub
}

// Load parses and checks the embedded collection. It is strict: an unknown
// field, a reference to a missing theme, school or file, or a material that
// could not be published is an error.
func Load() (*Collection, error) {
	return load(Files())
}

// load does the work of Load on any file system with the same layout, so
// tests can feed it broken collections.
func load(fsys fs.FS) (*Collection, error) {
	c := &Collection{}
	var errs []error

	if err := decodeFile(fsys, "themes.yaml", &c.Themes); err != nil {
		errs = append(errs, err)
	}
	if err := checkThemes(c.Themes); err != nil {
		errs = append(errs, fmt.Errorf("themes.yaml: %w", err))
	}
	if err := decodeFile(fsys, "schools.yaml", &c.Schools); err != nil {
		errs = append(errs, err)
	}
	if err := checkSchools(c.Schools); err != nil {
		errs = append(errs, fmt.Errorf("schools.yaml: %w", err))
	}

	refs := references{themes: map[string]bool{}, schools: map[string]bool{}}
	for _, t := range c.Themes {
		refs.themes[t.Slug] = true
	}
	for _, s := range c.Schools {
		refs.schools[s.Slug] = true
	}

	names, err := fs.Glob(fsys, "materials/*.md")
	if err != nil {
		return nil, fmt.Errorf("starter: list materials: %w", err)
	}
	if len(names) == 0 {
		errs = append(errs, errors.New("materials: no materials found"))
	}
	bySlug := map[string]string{}
	for _, name := range names {
		item, err := readItem(fsys, name, refs)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		slug := item.Material.Slug
		if other, ok := bySlug[slug]; ok {
			errs = append(errs, fmt.Errorf("%s: title gives the slug %q, which %s already has", name, slug, other))
			continue
		}
		bySlug[slug] = name
		c.Items = append(c.Items, item)
	}

	if len(errs) > 0 {
		return nil, fmt.Errorf("starter: invalid collection: %w", errors.Join(errs...))
	}
	slices.SortStableFunc(c.Items, func(a, b Item) int {
		return cmp.Or(
			a.Material.PublishedAt.Compare(b.Material.PublishedAt),
			strings.Compare(a.Material.Slug, b.Material.Slug),
		)
	})
	return c, nil
}

// references holds the slugs a material may refer to.
type references struct {
	themes  map[string]bool
	schools map[string]bool
}

// decodeFile reads a YAML file into v, rejecting unknown fields.
func decodeFile(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := decodeStrict(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// decodeStrict decodes exactly one YAML document into v and fails on fields
// that v does not have.
func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty YAML document")
		}
		return fmt.Errorf("decode YAML: %w", err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return nil
}

func checkThemes(themes []Theme) error {
	var errs []error
	if len(themes) == 0 {
		errs = append(errs, errors.New("no themes"))
	}
	seen := map[string]bool{}
	for i, t := range themes {
		if !material.ValidSlug(t.Slug) {
			errs = append(errs,
				fmt.Errorf("theme %d: slug %q is not lowercase ASCII words joined by hyphens", i+1, t.Slug))
		}
		if seen[t.Slug] {
			errs = append(errs, fmt.Errorf("theme %d: slug %q is used twice", i+1, t.Slug))
		}
		seen[t.Slug] = true
		if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Description) == "" {
			errs = append(errs, fmt.Errorf("theme %q: name and description are required", t.Slug))
		}
	}
	return errors.Join(errs...)
}

func checkSchools(schools []School) error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range schools {
		if !material.ValidSlug(s.Slug) {
			errs = append(errs,
				fmt.Errorf("school %d: slug %q is not lowercase ASCII words joined by hyphens", i+1, s.Slug))
		}
		if seen[s.Slug] {
			errs = append(errs, fmt.Errorf("school %d: slug %q is used twice", i+1, s.Slug))
		}
		seen[s.Slug] = true
		if strings.TrimSpace(s.Name) == "" {
			errs = append(errs, fmt.Errorf("school %q: name is required", s.Slug))
		}
		if s.URL != "" && !material.IsWebURL(s.URL) {
			errs = append(errs, fmt.Errorf("school %q: url %q is not a web address", s.Slug, s.URL))
		}
	}
	return errors.Join(errs...)
}

// frontMatter is the YAML header of a material file.
type frontMatter struct {
	Kind          string           `yaml:"kind"`
	Title         string           `yaml:"title"`
	Summary       string           `yaml:"summary"`
	Audiences     []string         `yaml:"audiences"`
	Themes        []string         `yaml:"themes"`
	Grades        []string         `yaml:"grades"`
	School        string           `yaml:"school"`
	Featured      bool             `yaml:"featured"`
	Language      string           `yaml:"language"`
	Cover         string           `yaml:"cover"`
	CoverAlt      string           `yaml:"cover_alt"`
	Video         string           `yaml:"video"`
	ExternalURL   string           `yaml:"external_url"`
	Captions      string           `yaml:"captions"`
	Poster        string           `yaml:"poster"`
	Transcript    string           `yaml:"transcript"`
	Attachments   []attachmentMeta `yaml:"attachments"`
	LinkURL       string           `yaml:"link_url"`
	LinkPublisher string           `yaml:"link_publisher"`
	Published     string           `yaml:"published"`
}

type attachmentMeta struct {
	File  string `yaml:"file"`
	Title string `yaml:"title"`
}

// splitFrontMatter separates the YAML header, between two lines of three
// hyphens at the top of the file, from the Markdown body.
func splitFrontMatter(src string) (front, body string, err error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return "", "", errors.New("no front matter: the file must start with a line of three hyphens")
	}
	if after, ok := strings.CutPrefix(rest, "---\n"); ok {
		return "", after, nil
	}
	i := strings.Index(rest, "\n---\n")
	if i < 0 {
		if strings.HasSuffix(rest, "\n---") {
			return strings.TrimSuffix(rest, "\n---") + "\n", "", nil
		}
		return "", "", errors.New("front matter is not closed by a line of three hyphens")
	}
	return rest[:i+1], rest[i+len("\n---\n"):], nil
}

// readItem parses and checks one material file.
func readItem(fsys fs.FS, name string, refs references) (Item, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Item{}, fmt.Errorf("read: %w", err)
	}
	front, body, err := splitFrontMatter(string(data))
	if err != nil {
		return Item{}, err
	}
	var fm frontMatter
	if err := decodeStrict([]byte(front), &fm); err != nil {
		return Item{}, fmt.Errorf("front matter: %w", err)
	}
	return buildItem(fsys, fm, body, refs)
}

// buildItem turns parsed front matter and body into an Item and checks it.
func buildItem(fsys fs.FS, fm frontMatter, body string, refs references) (Item, error) {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	kind := material.Kind(fm.Kind)
	published, err := time.Parse(time.DateOnly, fm.Published)
	if err != nil {
		fail("published: %q is not a date like 2026-09-01: %w", fm.Published, err)
	}

	m := material.Material{
		Kind:          kind,
		Title:         fm.Title,
		Slug:          material.Slugify(fm.Title),
		Summary:       fm.Summary,
		Body:          strings.TrimSpace(body),
		Language:      fm.Language,
		Status:        material.Published,
		Featured:      fm.Featured,
		CoverAlt:      fm.CoverAlt,
		ExternalURL:   fm.ExternalURL,
		Transcript:    fm.Transcript,
		LinkURL:       fm.LinkURL,
		LinkPublisher: fm.LinkPublisher,
		CreatedAt:     published,
		UpdatedAt:     published,
		PublishedAt:   published,
	}
	for _, a := range fm.Audiences {
		m.Audiences = append(m.Audiences, material.Audience(a))
	}
	for _, g := range fm.Grades {
		m.GradeBands = append(m.GradeBands, material.GradeBand(g))
	}
	for _, a := range fm.Attachments {
		m.Attachments = append(m.Attachments, material.Attachment{Title: a.Title})
	}
	m.Normalize()

	item := Item{
		Material:   m,
		ThemeSlugs: fm.Themes,
		SchoolSlug: fm.School,
		Cover:      fm.Cover,
		Video:      fm.Video,
		Captions:   fm.Captions,
		Poster:     fm.Poster,
	}
	for _, a := range fm.Attachments {
		item.Attachments = append(item.Attachments, AttachmentFile{Path: a.File, Title: strings.TrimSpace(a.Title)})
	}

	if m.Slug == "" {
		fail("title: %q gives an empty slug", m.Title)
	}
	if strings.TrimSpace(fm.Language) == "" {
		fail("language: required")
	}
	for _, list := range []struct {
		field  string
		values []string
	}{{"audiences", fm.Audiences}, {"themes", fm.Themes}, {"grades", fm.Grades}} {
		if d := firstDuplicate(list.values); d != "" {
			fail("%s: %q is listed twice", list.field, d)
		}
	}
	if len(fm.Themes) == 0 {
		fail("themes: at least one theme is required")
	}
	for _, t := range fm.Themes {
		if !refs.themes[t] {
			fail("themes: no theme has the slug %q", t)
		}
	}
	if fm.School != "" && !refs.schools[fm.School] {
		fail("school: no school has the slug %q", fm.School)
	}
	if err := checkSummary(m.Summary); err != nil {
		fail("summary: %w", err)
	}
	if m.Body == "" {
		fail("body: the Markdown after the front matter is empty")
	}
	for _, err := range unjoin(checkBody(m.Body)) {
		fail("body: %w", err)
	}
	errs = append(errs, checkKindFields(kind, fm)...)
	errs = append(errs, checkMediaFiles(fsys, item)...)
	if err := checkPublishable(item); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Item{}, errors.Join(errs...)
	}
	return item, nil
}

// checkSummary makes sure a summary is plain text on one line; it is shown on
// cards, in feeds and in link previews where Markdown is not rendered.
func checkSummary(s string) error {
	if strings.ContainsAny(s, "\n\r") {
		return errors.New("must be one line of plain text")
	}
	for _, mark := range []string{"<", "](", "**", "__", "`", "#"} {
		if strings.Contains(s, mark) {
			return fmt.Errorf("must be plain text, but has %q", mark)
		}
	}
	return nil
}

// checkKindFields rejects fields that do not belong to the material's kind,
// so a typo in kind cannot silently drop a video or an attachment.
func checkKindFields(kind material.Kind, fm frontMatter) []error {
	var errs []error
	only := func(k material.Kind, field string, set bool) {
		if set && kind != k {
			errs = append(errs, fmt.Errorf("%s: only a %s has this field, not a %s", field, k, kind))
		}
	}
	only(material.Film, "video", fm.Video != "")
	only(material.Film, "external_url", fm.ExternalURL != "")
	only(material.Film, "captions", fm.Captions != "")
	only(material.Film, "poster", fm.Poster != "")
	only(material.Film, "transcript", strings.TrimSpace(fm.Transcript) != "")
	only(material.Guide, "attachments", len(fm.Attachments) > 0)
	only(material.Link, "link_url", fm.LinkURL != "")
	only(material.Link, "link_publisher", fm.LinkPublisher != "")

	if kind == material.Film {
		if fm.Video != "" && fm.ExternalURL != "" {
			errs = append(errs, errors.New("video and external_url: give one of them, not both"))
		}
		if fm.Video == "" && (fm.Captions != "" || fm.Poster != "") {
			errs = append(errs, errors.New("captions and poster: only an uploaded video has them"))
		}
	}
	if fm.Cover == "" && strings.TrimSpace(fm.CoverAlt) != "" {
		errs = append(errs, errors.New("cover_alt: there is no cover to describe"))
	}
	return errs
}

// mediaTypes maps the file extensions the collection may use, per field, to
// the content type the file's bytes must have.
var mediaTypes = map[string]map[string]string{
	"cover":       {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"},
	"poster":      {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"},
	"video":       {".mp4": "video/mp4", ".webm": "video/webm"},
	"captions":    {".vtt": "text/plain; charset=utf-8"},
	"attachments": {".pdf": "application/pdf"},
}

// checkMediaFiles makes sure every file an item names exists, lies in the
// media directory and holds what its extension says.
func checkMediaFiles(fsys fs.FS, item Item) []error {
	type ref struct{ field, path string }
	refs := []ref{{"cover", item.Cover}, {"video", item.Video}, {"captions", item.Captions}, {"poster", item.Poster}}
	for _, a := range item.Attachments {
		refs = append(refs, ref{"attachments", a.Path})
	}
	var errs []error
	for _, r := range refs {
		if r.path == "" {
			if r.field == "attachments" {
				errs = append(errs, errors.New("attachments: file is required"))
			}
			continue
		}
		data, err := readMedia(fsys, r.path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.field, err))
			continue
		}
		ext := strings.ToLower(path.Ext(r.path))
		want, ok := mediaTypes[r.field][ext]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s: files ending in %q are not allowed here", r.field, r.path, ext))
			continue
		}
		if got := http.DetectContentType(data); got != want {
			errs = append(errs, fmt.Errorf("%s: %s holds %s, not %s", r.field, r.path, got, want))
			continue
		}
		if r.field == "captions" {
			if _, err := parseVTT(string(data)); err != nil {
				errs = append(errs, fmt.Errorf("captions: %s: %w", r.path, err))
			}
		}
	}
	for _, a := range item.Attachments {
		if a.Title == "" {
			errs = append(errs, fmt.Errorf("attachments: %s has no title", a.Path))
		}
	}
	return errs
}

// readMedia reads a non-empty file from the media directory.
func readMedia(fsys fs.FS, p string) ([]byte, error) {
	if !fs.ValidPath(p) || !strings.HasPrefix(p, mediaDir) {
		return nil, fmt.Errorf("%q is not a clean path inside %s", p, mediaDir)
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read media: %w", err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s is empty", p)
	}
	return data, nil
}

// checkPublishable runs the domain's publishing rules on the item, with a
// stand-in media ID for every file it has.
func checkPublishable(item Item) error {
	m := withPlaceholderMedia(item)
	material.OwnWork(&m)
	problems := material.CheckPublishable(&m)
	if problems == nil {
		return nil
	}
	fields := make([]string, 0, len(problems))
	for f := range problems {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, f+": "+strings.Join(problems[f], ", "))
	}
	return fmt.Errorf("not publishable: %s", strings.Join(parts, "; "))
}

// withPlaceholderMedia returns a copy of the item's material with media ID 1
// wherever the item has a file, as it will have once the loader has
// ingested the files.
func withPlaceholderMedia(item Item) material.Material {
	m := item.Material
	set := func(id *int64, p string) {
		if p != "" {
			*id = 1
		}
	}
	set(&m.CoverID, item.Cover)
	set(&m.VideoID, item.Video)
	set(&m.CaptionsID, item.Captions)
	set(&m.PosterID, item.Poster)
	m.Attachments = slices.Clone(m.Attachments)
	for i := range m.Attachments {
		if i < len(item.Attachments) && item.Attachments[i].Path != "" {
			m.Attachments[i].MediaID = 1
		}
	}
	return m
}

// unjoin returns the errors joined in err, or err alone, so that each can be
// reported on its own line with its own prefix.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// firstDuplicate returns the first value that occurs twice in values, or "".
func firstDuplicate(values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}
