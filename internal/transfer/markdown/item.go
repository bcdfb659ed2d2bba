package markdown

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	mdtext "github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// knownKeys are the front matter keys the reader uses, in lower case.
var knownKeys = map[string]bool{
	"title": true, "date": true, "draft": true, "published": true, "publishdate": true, "pubdate": true,
	"expirydate": true, "unpublishdate": true, "lastmod": true, "last_modified_at": true, "modified": true,
	"updated": true, "summary": true, "description": true, "excerpt": true, "tags": true, "categories": true,
	"themes": true, "slug": true, "url": true, "permalink": true, "images": true, "image": true,
	"cover": true, "featured_image": true, "featuredimage": true, "thumbnail": true, "cover_alt": true,
	"image_alt": true, "aliases": true, "redirect_from": true, "kind": true, "audiences": true,
	"audience": true, "grades": true, "school": true, "language": true, "lang": true, "link_url": true,
	"link_publisher": true, "external_url": true, "featured": true, "transcript": true,
}

// builder turns one file's front matter and body into an item.
type builder struct {
	r       *reader
	name    string // path of the file in the folder
	stem    string // file name without extension
	fm      frontMatter
	body    string
	modTime time.Time

	m    material.Material
	item transfer.Item
}

func (b *builder) build() (*transfer.Item, error) {
	b.warnUnknownKeys()
	b.item = transfer.Item{Key: "file:" + b.name, Where: b.name}
	b.m.Body = strings.TrimSpace(b.body)
	if utf8.RuneCountInString(b.m.Body) > material.BodyMax || mdtext.TooDeep(b.m.Body) {
		// Refused before the body is parsed for its summary and images.
		return nil, refuse("invalid-fields", "body")
	}
	steps := []func() error{
		b.title, b.kind, b.language, b.audiences, b.grades, b.times, b.slug, b.summary, b.themes,
		b.cover, b.images, b.oldPaths, b.kindFields, b.shortcodes,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.item.SchoolSlug = str(b.fm["school"])
	b.m.Featured, _ = boolValue(b.fm["featured"])
	b.m.Normalize()
	if p := material.Validate(&b.m); p != nil {
		fields := make([]string, 0, len(p))
		for f := range p {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		return nil, refuse("invalid-fields", strings.Join(fields, ", "))
	}
	b.item.Material = b.m
	return &b.item, nil
}

// warnUnknownKeys reports each key the reader does not use, once per
// import.
func (b *builder) warnUnknownKeys() {
	keys := make([]string, 0, len(b.fm))
	for k := range b.fm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !knownKeys[k] && !b.r.warnedKeys[k] {
			b.r.warnedKeys[k] = true
			b.r.warn(b.name, "unknown-key", k)
		}
	}
}

func (b *builder) first(keys ...string) (string, any) {
	for _, k := range keys {
		if v, ok := b.fm[k]; ok && v != nil && v != "" {
			return k, v
		}
	}
	return "", nil
}

func (b *builder) title() error {
	b.m.Title = strings.Join(strings.Fields(str(b.fm["title"])), " ")
	if b.m.Title == "" {
		b.m.Title, b.m.Body = cutTitle(b.m.Body)
		b.m.Body = strings.TrimSpace(b.m.Body)
	}
	if b.m.Title == "" {
		return refuse("no-title", path.Base(b.name))
	}
	return nil
}

func (b *builder) kind() error {
	k := strings.ToLower(str(b.fm["kind"]))
	switch {
	case k == "" && str(b.fm["link_url"]) != "":
		b.m.Kind = material.Link
	case k == "":
		b.m.Kind = material.Article
	default:
		b.m.Kind = material.Kind(k)
		if !b.m.Kind.Valid() {
			return refuse("unknown-kind", k)
		}
	}
	return nil
}

func (b *builder) language() error {
	_, v := b.first("language", "lang")
	lang := strings.ToLower(str(v))
	if len(lang) > 2 && (lang[2] == '-' || lang[2] == '_') {
		lang = lang[:2]
	}
	switch lang {
	case "", "da":
		b.m.Language = "da"
	case "en":
		b.m.Language = "en"
	default:
		return refuse("unknown-language", lang)
	}
	return nil
}

func (b *builder) audiences() error {
	_, v := b.first("audiences", "audience")
	for _, name := range strs(v) {
		for _, part := range transfer.SplitList(name) {
			a, ok := transfer.ParseAudience(part)
			if !ok {
				return refuse("unknown-audience", part)
			}
			if !slices.Contains(b.m.Audiences, a) {
				b.m.Audiences = append(b.m.Audiences, a)
			}
		}
	}
	if len(b.m.Audiences) == 0 {
		b.m.Audiences = slices.Clone(b.r.opts.Audiences)
	}
	return nil
}

func (b *builder) grades() error {
	for _, g := range strs(b.fm["grades"]) {
		band := material.GradeBand(strings.ToLower(g))
		if !band.Valid() {
			return refuse("unknown-grade", g)
		}
		if !slices.Contains(b.m.GradeBands, band) {
			b.m.GradeBands = append(b.m.GradeBands, band)
		}
	}
	return nil
}

// date reads the first of keys that is set.
func (b *builder) date(keys ...string) (time.Time, error) {
	k, v := b.first(keys...)
	if v == nil {
		return time.Time{}, nil
	}
	t, err := parseDate(v, b.r.opts.Location)
	if err != nil {
		return time.Time{}, refuse("bad-date", k+": "+str(v))
	}
	return t, nil
}

// times sets the status and the times. Nothing becomes more public than
// the source has it: drafts stay drafts, a future publishing date is
// scheduled, an expired one is unpublished.
func (b *builder) times() error {
	draft, _ := boolValue(b.fm["draft"])
	if p, ok := boolValue(b.fm["published"]); ok && !p {
		draft = true
	}
	if slices.Contains(strings.Split(b.name, "/"), "_drafts") {
		draft = true
	}
	date, err := b.date("date")
	if err != nil {
		return err
	}
	if fileDate, _ := splitJekyllName(b.stem); date.IsZero() && fileDate != "" {
		date, _ = parseDate(fileDate, b.r.opts.Location)
	}
	pubKeys := []string{"publishdate", "pubdate"}
	if _, isBool := boolValue(b.fm["published"]); !isBool {
		pubKeys = append(pubKeys, "published")
	}
	publish, err := b.date(pubKeys...)
	if err != nil {
		return err
	}
	expiry, err := b.date("expirydate", "unpublishdate")
	if err != nil {
		return err
	}
	lastmod, err := b.date("lastmod", "last_modified_at", "modified", "updated")
	if err != nil {
		return err
	}
	if publish.IsZero() {
		publish = date
	}
	if date.IsZero() {
		date = publish
	}
	now := b.r.opts.Now
	switch {
	case draft:
		b.m.Status = material.Draft
	case publish.After(now):
		b.m.Status = material.Scheduled
		b.m.ScheduledAt = publish
	case !expiry.IsZero() && !expiry.After(now):
		b.m.Status = material.Unpublished
		b.m.PublishedAt = publish
		b.r.warn(b.name, "expired", expiry.In(b.r.opts.Location).Format(time.DateOnly))
	default:
		b.m.Status = material.Published
		if publish.IsZero() {
			publish = b.modTime.UTC()
			date = publish
			b.r.warn(b.name, "no-date", publish.In(b.r.opts.Location).Format(time.DateOnly))
		}
		b.m.PublishedAt = publish
	}
	if expiry.After(now) {
		b.m.UnpublishAt = expiry
	}
	b.m.CreatedAt = date
	b.m.UpdatedAt = date
	if !lastmod.IsZero() {
		b.m.UpdatedAt = lastmod
	}
	return nil
}

// slug takes the slug key, else the last part of a url or permalink key,
// else the folder of a page bundle, else the file name without a Jekyll
// date, else the title.
func (b *builder) slug() error {
	raw := str(b.fm["slug"])
	if raw == "" {
		if _, v := b.first("url", "permalink"); v != nil {
			raw = path.Base(strings.TrimSuffix(oldPath(str(v)), "/"))
			raw = strings.TrimSuffix(raw, path.Ext(raw))
		}
	}
	if raw == "" || raw == "/" || raw == "." {
		raw = b.stem
		if strings.EqualFold(raw, "index") {
			raw = path.Base(path.Dir(b.name))
		}
		_, raw = splitJekyllName(raw)
	}
	slug := material.Slugify(raw)
	if slug == "" {
		slug = material.Slugify(b.m.Title)
	}
	if slug == "" {
		slug = "materiale"
	}
	b.m.Slug = slug
	return nil
}

func (b *builder) summary() error {
	k, v := b.first("summary", "description", "excerpt")
	s := strings.Join(strings.Fields(str(v)), " ")
	if s == "" {
		s = excerpt(b.m.Body)
	}
	if s == "" {
		s = b.m.Title
	}
	if short := shorten(s); short != s {
		b.r.warn(b.name, "summary-cut", k)
		s = short
	}
	b.m.Summary = s
	return nil
}

func (b *builder) themes() error {
	for _, group := range []struct{ key, prefix string }{
		{"themes", "theme:"}, {"categories", "category:"}, {"tags", "tag:"},
	} {
		for _, name := range strs(b.fm[group.key]) {
			slug := material.Slugify(name)
			if slug == "" {
				b.r.warn(b.name, "bad-theme", name)
				continue
			}
			key := group.prefix + slug
			if !b.r.themes[key] {
				b.r.themes[key] = true
				b.r.bundle.Themes = append(b.r.bundle.Themes, transfer.Theme{Key: key, Slug: slug, Name: name})
			}
			if !slices.Contains(b.item.ThemeKeys, key) {
				b.item.ThemeKeys = append(b.item.ThemeKeys, key)
			}
		}
	}
	return nil
}

// cover takes the first image the front matter names as the cover.
func (b *builder) cover() error {
	var ref, alt string
	_, v := b.first("cover", "images", "image", "featured_image", "featuredimage", "thumbnail")
	switch v := v.(type) {
	case map[string]any:
		_, img := firstOf(v, "image", "src", "path", "url")
		ref, alt = str(img), str(v["alt"])
	case []any:
		if len(v) > 0 {
			if m, ok := v[0].(map[string]any); ok {
				_, img := firstOf(m, "image", "src", "path", "url")
				ref, alt = str(img), str(m["alt"])
			} else {
				ref = str(v[0])
			}
		}
	default:
		ref = str(v)
	}
	if ref == "" {
		return nil
	}
	if alt == "" {
		_, a := b.first("cover_alt", "image_alt")
		alt = str(a)
	}
	if alt == "" {
		b.r.warn(b.name, "cover-alt", ref)
	}
	f, ok := b.file(ref, alt)
	if !ok {
		return nil
	}
	b.item.Cover = &f
	b.m.CoverAlt = alt
	return nil
}

func firstOf(m map[string]any, keys ...string) (string, any) {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			return k, v
		}
	}
	return "", nil
}

// images replaces the body's images that are files of the folder by
// InlineRef references; images on the web stay as they are.
func (b *builder) images() error {
	index := map[string]int{}
	b.m.Body = rewriteImages(b.m.Body, func(alt, dest string) (string, bool) {
		f, ok := b.file(dest, alt)
		if !ok {
			return "", false
		}
		i, seen := index[f.Key]
		if !seen {
			i = len(b.item.Inline)
			index[f.Key] = i
			b.item.Inline = append(b.item.Inline, f)
		}
		return transfer.InlineRef(i), true
	})
	return nil
}

// file makes a File of an image the file refers to by ref: a path relative
// to the file, to the folder, or to Hugo's static folder. ok is false for
// images on the web, which are left alone. A file that is not there is
// reported, and opening it fails when the import is applied.
func (b *builder) file(ref, alt string) (transfer.File, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			b.r.warn(b.name, "remote-image", ref)
		}
		return transfer.File{}, false
	}
	p := u.Path
	var candidates []string
	if strings.HasPrefix(p, "/") {
		candidates = []string{path.Join("static", p), strings.TrimPrefix(path.Clean(p), "/")}
	} else {
		candidates = []string{path.Join(path.Dir(b.name), p), path.Clean(p), path.Join("static", p)}
	}
	found := ""
	for _, c := range candidates {
		if !fs.ValidPath(c) {
			continue
		}
		if info, err := fs.Stat(b.r.fsys, c); err == nil && info.Mode().IsRegular() {
			found = c
			break
		}
	}
	if found == "" {
		b.r.warn(b.name, "missing-file", ref)
		found = candidates[0]
	}
	fsys := b.r.fsys
	return transfer.File{
		Key:  "file:" + found,
		Name: path.Base(found),
		Alt:  alt,
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			if !fs.ValidPath(found) {
				return nil, fmt.Errorf("open %s: outside the folder", ref)
			}
			return fsys.Open(found)
		},
	}, true
}

// oldPaths keeps the addresses the file had on the old site.
func (b *builder) oldPaths() error {
	var raw []string
	raw = append(raw, strs(b.fm["aliases"])...)
	raw = append(raw, strs(b.fm["redirect_from"])...)
	raw = append(raw, str(b.fm["url"]), str(b.fm["permalink"]))
	for _, s := range raw {
		if p := oldPath(s); p != "" && !slices.Contains(b.item.OldPaths, p) {
			b.item.OldPaths = append(b.item.OldPaths, p)
		}
	}
	return nil
}

// oldPath turns an alias, a site path or a full address into a path with
// its query, starting with a slash; "" when s is none of them.
func oldPath(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, ":") && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// kindFields reads the fields of links and films.
func (b *builder) kindFields() error {
	switch b.m.Kind {
	case material.Link:
		b.m.LinkURL = str(b.fm["link_url"])
		if !material.IsWebURL(b.m.LinkURL) {
			return refuse("bad-url", cmp.Or(b.m.LinkURL, "link_url"))
		}
		b.m.LinkPublisher = str(b.fm["link_publisher"])
		if b.m.LinkPublisher == "" {
			u, _ := url.Parse(b.m.LinkURL)
			b.m.LinkPublisher = strings.TrimPrefix(u.Hostname(), "www.")
		}
	case material.Film:
		b.m.ExternalURL = str(b.fm["external_url"])
		b.m.Transcript = str(b.fm["transcript"])
	}
	return nil
}

// shortcode matches the start of a Hugo shortcode ({{< name >}} or
// {{% name %}}) or a Liquid tag ({% name %}), with its name.
var shortcode = regexp.MustCompile(`\{\{[<%]\s*/?\s*([\w./-]+)|\{%-?\s*([\w./-]+)`)

// shortcodes reports each shortcode or Liquid tag in the body once per
// file: the hub has no equivalent, so it stays in the body as text.
func (b *builder) shortcodes() error {
	seen := map[string]bool{}
	for _, m := range shortcode.FindAllStringSubmatch(b.m.Body, 20) {
		name := m[1] + m[2]
		if !seen[name] {
			seen[name] = true
			b.r.warn(b.name, "shortcode", name)
		}
	}
	return nil
}

// boolValue reads a yes or no that may be written as a string, as in
// draft: "true"; ok is false when v is neither.
func boolValue(v any) (value, ok bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "ja":
			return true, true
		case "false", "no", "nej":
			return false, true
		}
	}
	return false, false
}
