package wordpress

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// maxContentBytes is the longest HTML of one item converted; a longer one
// is refused, since its Markdown would be far over material.BodyMax.
const maxContentBytes = 4 << 20

// Problem codes this reader reports, each with a message under
// "import.problem." + code in the i18n catalogue.
const (
	ProblemShortcodeRemoved = "shortcode-removed"          // Detail: the shortcode's name
	ProblemProtected        = "protected-kept-unpublished" // Detail: the title
	ProblemTrashSkipped     = "trash-skipped"              // Detail: the title
	ProblemLinkWithoutURL   = "link-without-url"           // kept as an article; Detail: the title
	ProblemFilmWithoutVideo = "film-without-video"         // kept as an article; Detail: the title
	ProblemTitleMissing     = "title-missing"              // refused; Detail: the post's id
	ProblemContentTooLong   = "content-too-long"           // refused; Detail: the size in bytes
	ProblemDateInvalid      = "date-invalid"               // refused; Detail: the date
	ProblemInvalid          = "invalid-fields"             // refused; Detail: the fields
	ProblemDuplicateSlug    = "duplicate-slug"             // Detail: "wanted → given"
)

// term is a category or tag an item is filed under.
type term struct{ by, slug string }

// attachment is an attachment item: a file uploaded to the site.
type attachment struct {
	id, parent, url, link, title, alt string
}

// reader holds what building a bundle needs.
type reader struct {
	opts        Options
	ch          *channel
	site        *url.URL
	media       *media
	b           *transfer.Bundle
	attachments map[string]*attachment
	children    map[string][]*attachment
	slugs       map[string]bool
	themes      map[string]bool
	users       map[string]bool
	titles      map[string]string // attachment titles by address
	uploaded    map[string]bool   // attachment addresses
}

// build turns the channel into a bundle.
func build(ctx context.Context, ch *channel, opts Options) (*transfer.Bundle, error) {
	r := &reader{opts: opts, ch: ch, b: &transfer.Bundle{}, attachments: map[string]*attachment{},
		children: map[string][]*attachment{}, slugs: map[string]bool{}, themes: map[string]bool{},
		users: map[string]bool{}, titles: map[string]string{}, uploaded: map[string]bool{}}
	site := ch.siteURL()
	r.b.Source = "wordpress:" + site
	if site == "" {
		r.b.Source = "wordpress:" + opts.Name
	} else {
		r.site, _ = url.Parse(site + "/")
	}
	r.media = &media{dir: uploadsDir(opts.MediaDir), getter: opts.Getter, site: r.site}

	for _, a := range ch.authors {
		r.addUser(a.wpText("author_login"), a.wpText("author_email"), authorName(a))
	}
	for _, t := range ch.terms {
		r.addTerm(t)
	}
	for _, it := range ch.items {
		if it.wpText("post_type") == "attachment" {
			r.addAttachment(it)
		}
	}
	for i, it := range ch.items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.item(i+1, it)
	}
	return r.b, nil
}

// authorName is the name an author shows.
func authorName(a *node) string {
	if s := strings.TrimSpace(unescapeHTML(a.wpText("author_display_name"))); s != "" {
		return s
	}
	full := strings.TrimSpace(a.wpText("author_first_name") + " " + a.wpText("author_last_name"))
	if full != "" {
		return unescapeHTML(full)
	}
	return strings.TrimSpace(a.wpText("author_login"))
}

// addUser adds the author with login once.
func (r *reader) addUser(login, email, name string) {
	login = strings.TrimSpace(login)
	key := "author:" + login
	if login == "" || r.users[key] {
		return
	}
	r.users[key] = true
	if name == "" {
		name = login
	}
	r.b.Users = append(r.b.Users, transfer.User{Key: key, Email: strings.TrimSpace(email), Name: name})
}

// addTerm adds a category or tag that the channel declares.
func (r *reader) addTerm(n *node) {
	switch {
	case n.wp("category"):
		r.addTheme("category", n.wpText("category_nicename"), n.wpText("cat_name"),
			n.wpText("category_description"))
	case n.wp("tag"):
		r.addTheme("tag", n.wpText("tag_slug"), n.wpText("tag_name"), n.wpText("tag_description"))
	case n.wp("term"):
		by := map[string]string{"category": "category", "post_tag": "tag"}[n.wpText("term_taxonomy")]
		if by != "" {
			r.addTheme(by, n.wpText("term_slug"), n.wpText("term_name"), n.wpText("term_description"))
		}
	}
}

// addTheme adds a theme once and returns its key, or "" for none.
func (r *reader) addTheme(by, rawSlug, name, description string) string {
	slug := decodeSlug(strings.TrimSpace(rawSlug))
	name = strings.TrimSpace(unescapeHTML(name))
	if slug == "" {
		slug = strings.ToLower(name)
	}
	if slug == "" || slug == "uncategorized" {
		// WordPress files every post without a category under
		// "Uncategorized"; it groups nothing.
		return ""
	}
	key := by + ":" + slug
	if r.themes[key] {
		return key
	}
	r.themes[key] = true
	if name == "" {
		name = slug
	}
	hubSlug := material.Slugify(slug)
	if hubSlug == "" {
		hubSlug = material.Slugify(name)
	}
	if hubSlug == "" {
		hubSlug = by + "-" + strconv.Itoa(len(r.themes))
	}
	r.b.Themes = append(r.b.Themes, transfer.Theme{Key: key, Slug: hubSlug, Name: name,
		Description: strings.TrimSpace(stripTags(description))})
	return key
}

// addAttachment notes an attachment item for the items that use it.
func (r *reader) addAttachment(n *node) {
	a := &attachment{
		id:     strings.TrimSpace(n.wpText("post_id")),
		parent: strings.TrimSpace(n.wpText("post_parent")),
		url:    strings.TrimSpace(n.wpText("attachment_url")),
		link:   strings.TrimSpace(n.plainText("link")),
		title:  strings.TrimSpace(unescapeHTML(n.plainText("title"))),
		alt:    strings.TrimSpace(postmeta(n)["_wp_attachment_image_alt"]),
	}
	if a.id == "" || r.attachments[a.id] != nil {
		return
	}
	r.attachments[a.id] = a
	if u := r.media.resolve(a.url); u != nil {
		r.uploaded[u.String()] = true
		if a.title != "" {
			r.titles[u.String()] = a.title
		}
	}
	if a.parent != "" && a.parent != "0" {
		r.children[a.parent] = append(r.children[a.parent], a)
	}
}

// postmeta returns an item's custom fields.
func postmeta(n *node) map[string]string {
	m := map[string]string{}
	for _, c := range n.children {
		if c.wp("postmeta") {
			m[strings.TrimSpace(c.wpText("meta_key"))] = c.wpText("meta_value")
		}
	}
	return m
}

// itemTerms returns the categories and tags an item is filed under, adding
// themes the channel did not declare.
func (r *reader) itemTerms(n *node) (terms []term, keys []string) {
	for _, c := range n.children {
		if c.space != "" || c.local != "category" {
			continue
		}
		by := map[string]string{"category": "category", "post_tag": "tag"}[c.attr("domain")]
		if by == "" {
			continue
		}
		key := r.addTheme(by, c.attr("nicename"), c.text.String(), "")
		if key == "" || containsString(keys, key) {
			continue
		}
		keys = append(keys, key)
		terms = append(terms, term{by: by, slug: strings.TrimPrefix(key, by+":")})
	}
	return terms, keys
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// skippedTypes are post types that hold no material and are left out
// without a word: menus, revisions, reusable blocks, theme settings.
var skippedTypes = map[string]bool{"attachment": true, "nav_menu_item": true, "revision": true,
	"wp_block": true, "custom_css": true, "customize_changeset": true, "oembed_cache": true,
	"wp_template": true, "wp_template_part": true, "wp_global_styles": true, "wp_navigation": true,
	"user_request": true, "wp_font_family": true, "wp_font_face": true}

// item reads the n'th item of the export into the bundle.
func (r *reader) item(n int, it *node) {
	postType := strings.TrimSpace(it.wpText("post_type"))
	if skippedTypes[postType] {
		return
	}
	title := strings.TrimSpace(unescapeHTML(it.plainText("title")))
	where := fmt.Sprintf("%s: item %d «%s»", r.opts.Name, n, title)
	status := strings.TrimSpace(it.wpText("status"))
	content := contentOf(it)
	// A trashed post is read as any other, to take the material an earlier
	// import made of it off the site; Apply creates none from it.
	trashed := status == "trash"
	if trashed {
		r.b.Problems = append(r.b.Problems, transfer.Problem{Where: where, Code: ProblemTrashSkipped,
			Detail: title})
	}
	if status == "auto-draft" && title == "" && strings.TrimSpace(content) == "" {
		return
	}
	terms, themeKeys := r.itemTerms(it)
	kind, ok := kindFor(r.opts.Kinds, postType, terms)
	if !ok {
		return
	}
	refuse := func(code, detail string) {
		if trashed {
			return // an item that cannot be read was not imported before either
		}
		r.b.Refused = append(r.b.Refused, transfer.Problem{Where: where, Code: code, Detail: detail})
	}
	id := strings.TrimSpace(it.wpText("post_id"))
	if title == "" {
		refuse(ProblemTitleMissing, id)
		return
	}
	if len(content) > maxContentBytes {
		refuse(ProblemContentTooLong, strconv.Itoa(len(content)))
		return
	}

	item := transfer.Item{Where: where, ThemeKeys: themeKeys}
	if id != "" {
		// Without an id the item has no key, which Apply reports.
		item.Key = "post:" + id
	}
	if creator := creatorOf(it); creator != "" {
		r.addUser(creator, "", "")
		item.AuthorKey = "author:" + creator
	}
	m := &item.Material
	m.Kind = kind
	m.Title = title
	m.Language = r.language()
	m.Audiences = r.audiences()

	var problems []transfer.Problem
	warn := func(code, detail string) {
		problems = append(problems, transfer.Problem{Where: where, Code: code, Detail: detail})
	}
	if err := r.times(it, m, warn); err != nil {
		refuse(ProblemDateInvalid, err.Error())
		return
	}

	c := r.body(it, id, content, m, &item, warn)
	r.kindFields(c, m, warn)
	m.Summary = summary(excerptOf(it), m.Body, m.Title)
	postName := it.wpText("post_name")
	if trashed {
		// WordPress frees a trashed post's slug by adding "__trashed".
		postName = strings.TrimSuffix(strings.TrimSpace(postName), "__trashed")
	}
	m.Slug = r.slug(postName, title, warn)
	r.cover(it, &item)
	item.OldPaths = r.oldPaths(it, id, postType)
	if trashed {
		item.UpdateOnly = true
		m.Status, m.ScheduledAt = material.Unpublished, time.Time{}
		if m.PublishedAt.IsZero() {
			m.PublishedAt = m.CreatedAt
		}
		problems = nil // the item is gone from the source; the trash warning says so
	}
	m.Normalize()

	if fields := invalidFields(m); fields != "" {
		refuse(ProblemInvalid, fields)
		return
	}
	r.b.Problems = append(r.b.Problems, problems...)
	r.b.Items = append(r.b.Items, item)
}

// invalidFields names the fields material.Validate finds fault with, in
// order, or returns "".
func invalidFields(m *material.Material) string {
	p := material.Validate(m)
	fields := make([]string, 0, len(p))
	for f := range p {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return strings.Join(fields, ", ")
}

// creatorOf returns the login of an item's author, its dc:creator.
func creatorOf(it *node) string {
	return strings.TrimSpace(it.child(func(c *node) bool { return c.local == "creator" }))
}

// contentOf returns an item's content:encoded.
func contentOf(it *node) string {
	return it.child(func(c *node) bool { return c.local == "encoded" && c.space == contentSpace })
}

// excerptOf returns an item's excerpt:encoded as plain text.
func excerptOf(it *node) string {
	ex := it.child(func(c *node) bool { return c.local == "encoded" && strings.Contains(c.space, "excerpt") })
	return strings.Join(strings.Fields(stripTags(ex)), " ")
}

// language is the materials' language: the site's, when it is Danish or
// English, else Danish.
func (r *reader) language() string {
	lang := strings.ToLower(r.ch.language)
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "da"
}

// audiences are the audiences every material gets.
func (r *reader) audiences() []material.Audience {
	if len(r.opts.Audiences) > 0 {
		return append([]material.Audience(nil), r.opts.Audiences...)
	}
	return append([]material.Audience(nil), DefaultAudiences...)
}

// wpTime is how WordPress writes its dates, without a zone.
const wpTime = "2006-01-02 15:04:05"

// itemTime returns when an item was dated: its GMT date, or its local date
// in Danish time when the GMT one is not set, as for drafts. ok is false
// when neither is set.
func itemTime(it *node, gmtField, localField string) (t time.Time, ok bool, err error) {
	gmt := strings.TrimSpace(it.wpText(gmtField))
	if gmt != "" && !strings.HasPrefix(gmt, "0000-00-00") {
		t, err := time.Parse(wpTime, gmt)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s %q", gmtField, gmt)
		}
		return t.UTC(), true, nil
	}
	local := strings.TrimSpace(it.wpText(localField))
	if local == "" || strings.HasPrefix(local, "0000-00-00") {
		// Exports edited by other tools may carry only the feed's date.
		if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(it.plainText("pubDate"))); err == nil &&
			localField == "post_date" && t.Year() > 1 {
			return t.UTC(), true, nil
		}
		return time.Time{}, false, nil
	}
	t, err = time.ParseInLocation(wpTime, local, localtime.Zone)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s %q", localField, local)
	}
	return t.UTC(), true, nil
}

// times sets the material's status and times. Nothing becomes more
// public than it was: only published posts without a password are
// published, and scheduled ones keep their time.
func (r *reader) times(it *node, m *material.Material, warn func(code, detail string)) error {
	date, dated, err := itemTime(it, "post_date_gmt", "post_date")
	if err != nil {
		return err
	}
	modified, _, err := itemTime(it, "post_modified_gmt", "post_modified")
	if err != nil {
		return err
	}
	m.CreatedAt, m.UpdatedAt = date, modified
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = date
	}
	m.Status = material.Draft
	if strings.TrimSpace(it.wpText("post_password")) != "" {
		warn(ProblemProtected, m.Title)
		return nil
	}
	switch strings.TrimSpace(it.wpText("status")) {
	case "publish":
		m.Status = material.Published
		m.PublishedAt = date
	case "future":
		if dated {
			m.Status = material.Scheduled
			m.ScheduledAt = date
		}
	}
	return nil
}

// body converts the item's content and fills in the body and media.
func (r *reader) body(it *node, id, content string, m *material.Material, item *transfer.Item,
	warn func(code, detail string)) *converter {
	c := newConverter(r.media)
	c.titles = r.titles
	c.uploaded = r.uploaded
	sc := &shortcodes{gallery: func(ids []string) []string { return r.gallery(id, ids) }}
	m.Body = c.markdown(sc.expand(content, 0))
	for _, name := range sc.removed {
		warn(ProblemShortcodeRemoved, name)
	}
	item.Inline = c.inline
	item.Attachments = c.attachments
	for _, a := range r.children[id] {
		u := r.media.resolve(a.url)
		if u == nil || isImage(u) || c.attached[u.String()] {
			continue
		}
		c.attached[u.String()] = true
		title := a.title
		if title == "" {
			title = fileName(u)
		}
		item.Attachments = append(item.Attachments, transfer.Attachment{File: r.media.file(u, ""), Title: title})
	}
	return c
}

// gallery returns the images of a [gallery]: the attachments it names, or
// else the images attached to the post.
func (r *reader) gallery(postID string, ids []string) []string {
	var list []*attachment
	if len(ids) == 0 {
		list = r.children[postID]
	}
	for _, id := range ids {
		if a := r.attachments[strings.TrimSpace(id)]; a != nil {
			list = append(list, a)
		}
	}
	var imgs []string
	for _, a := range list {
		if u := r.media.resolve(a.url); u != nil && isImage(u) {
			imgs = append(imgs, `<img src="`+html.EscapeString(u.String())+`" alt="`+html.EscapeString(a.alt)+`">`)
		}
	}
	return imgs
}

// kindFields fills in the fields of a link or film, or falls back to an
// article with a warning when the post has no address for them. A post
// that is nothing but one YouTube or Vimeo film becomes a film.
func (r *reader) kindFields(c *converter, m *material.Material, warn func(code, detail string)) {
	onlyFilm := len(c.videos) == 1 && len(c.inline) == 0 &&
		strings.TrimSpace(strings.Replace(markdown.PlainText(m.Body), c.videos[0], "", 1)) == ""
	switch {
	case m.Kind == material.Article && onlyFilm, m.Kind == material.Film && len(c.videos) > 0:
		m.Kind = material.Film
		m.ExternalURL = c.videos[0]
		if onlyFilm {
			m.Body = ""
		}
	case m.Kind == material.Film:
		warn(ProblemFilmWithoutVideo, m.Title)
		m.Kind = material.Article
	case m.Kind == material.Link:
		for _, u := range c.links {
			if r.site == nil || !strings.EqualFold(u.Host, r.site.Host) {
				m.LinkURL = u.String()
				m.LinkPublisher = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
				break
			}
		}
		if m.LinkURL == "" || strings.TrimSpace(m.Body) == "" {
			warn(ProblemLinkWithoutURL, m.Title)
			m.Kind, m.LinkURL, m.LinkPublisher = material.Article, "", ""
		}
	}
}

// cover sets the item's cover to its featured image.
func (r *reader) cover(it *node, item *transfer.Item) {
	a := r.attachments[strings.TrimSpace(postmeta(it)["_thumbnail_id"])]
	if a == nil {
		return
	}
	if u := r.media.resolve(a.url); u != nil {
		f := r.media.file(u, a.alt)
		item.Cover = &f
		item.Material.CoverAlt = a.alt
	}
}

// slug returns the slug the item wants: its own, decoded and made a hub
// slug, or one from its title; made unique within the export, with a
// warning when it had to change.
func (r *reader) slug(postName, title string, warn func(code, detail string)) string {
	s := material.Slugify(decodeSlug(strings.TrimSpace(postName)))
	if s == "" {
		s = material.Slugify(title)
	}
	if s == "" {
		s = "materiale"
	}
	unique := transfer.UniqueSlug(s, r.slugs)
	if unique != s {
		warn(ProblemDuplicateSlug, s+" → "+unique)
	}
	return unique
}

// oldPaths returns the addresses the item and its attachments had.
func (r *reader) oldPaths(it *node, id, postType string) []string {
	var paths []string
	add := func(p string) {
		if p != "" && !containsString(paths, p) {
			paths = append(paths, p)
		}
	}
	if id != "" {
		if postType == "page" {
			add("/?page_id=" + id)
		} else {
			add("/?p=" + id)
		}
	}
	add(pathOf(it.plainText("link")))
	for _, a := range r.children[id] {
		add("/?attachment_id=" + a.id)
		add(pathOf(a.link))
	}
	return paths
}

// pathOf returns the path, decoded, and query of an address, or "" for
// the site's front page and for addresses that are not the web's.
func pathOf(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if p == "/" {
		return ""
	}
	return p
}

// summaryMax is how long a summary made from the text may be.
const summaryMax = material.SummaryMax

// summary returns the excerpt, else the first sentences of the body that
// fit, else the title.
func summary(excerpt, body, title string) string {
	for _, s := range []string{excerpt, unescapePunct(markdown.PlainText(body)), title} {
		if s = strings.TrimSpace(s); s != "" {
			return firstSentences(s, summaryMax)
		}
	}
	return ""
}

// firstSentences returns the whole sentences at the start of s that fit
// in max characters, or s cut at a word boundary with an ellipsis.
func firstSentences(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	cut := runes[:max]
	for i := len(cut) - 1; i > 0; i-- {
		if (cut[i-1] == '.' || cut[i-1] == '!' || cut[i-1] == '?') && cut[i] == ' ' {
			return string(cut[:i])
		}
	}
	words := cut[:max-1]
	for i := len(words) - 1; i > 0; i-- {
		if words[i] == ' ' {
			return strings.TrimRight(string(words[:i]), " ,;:-") + "…"
		}
	}
	return string(words) + "…"
}

// unescapeHTML decodes entities such as &amp; and &#230;.
func unescapeHTML(s string) string { return html.UnescapeString(s) }

// unescapePunct removes the backslashes before punctuation that the
// converter put in the Markdown, which plain text does not need.
func unescapePunct(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`\\`+"`*_[]<>|~&#=+-.!()", s[i+1]) >= 0 {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
