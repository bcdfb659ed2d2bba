package web

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/feed"
	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// feedLimit is how many of the newest materials a feed carries.
const feedLimit = 20

// paramText asks for a feed with each material's full text (tekst=fuld);
// without it a feed carries titles, summaries, links and files, which is
// what the websites that list a feed and readers on phones need.
const (
	paramText = "tekst"
	textFull  = "fuld"
)

// feedMaxAge is how long a feed may be cached. Readers that ask again
// sooner get 304 Not Modified from its ETag at little cost.
const feedMaxAge = 10 * time.Minute

// feedFormat is one of the three formats every feed is offered in.
type feedFormat struct {
	Path  string
	Type  string
	Label string
	write func(*feed.Feed) ([]byte, error)
}

var feedFormats = []feedFormat{
	{Path: "/feed/rss", Type: feed.RSSType, Label: "RSS", write: feed.RSS},
	{Path: "/feed/atom", Type: feed.AtomType, Label: "Atom", write: feed.Atom},
	{Path: "/feed/json", Type: feed.JSONType, Label: "JSON Feed", write: feed.JSON},
}

// FeedLink is a feed offered on a page, for discovery and for readers.
type FeedLink struct {
	Type  string
	Title string
	URL   string
	Label string
}

// feedLinks are the feeds of a listing filtered by f.
func feedLinks(b Base, f material.Filter, themes []storage.Theme, schools []storage.School) []FeedLink {
	query := filterQuery(f, themes, schools).Encode()
	if query != "" {
		query = "?" + query
	}
	title := feedSubject(b, f, themes, schools)
	out := make([]FeedLink, len(feedFormats))
	for i, ff := range feedFormats {
		out[i] = FeedLink{Type: ff.Type, Title: title + " (" + ff.Label + ")", URL: ff.Path + query, Label: ff.Label}
	}
	return out
}

// widgetFeeds are the absolute addresses of the feeds of a filter's query,
// light and with the full text.
func widgetFeeds(base string, query url.Values) []WidgetFeed {
	light := query.Encode()
	if light != "" {
		light = "?" + light
	}
	full := url.Values{paramText: {textFull}}
	for k, v := range query {
		full[k] = v
	}
	out := make([]WidgetFeed, len(feedFormats))
	for i, ff := range feedFormats {
		out[i] = WidgetFeed{Label: ff.Label, URL: base + ff.Path + light, FullURL: base + ff.Path + "?" + full.Encode()}
	}
	return out
}

// feedSubject names what a feed follows: the hub's name and the filter's
// values, or all materials.
func feedSubject(b Base, f material.Filter, themes []storage.Theme, schools []storage.School) string {
	what := b.T("list.title")
	if labels := filterLabels(b, f, themes, schools); len(labels) > 0 {
		what = strings.Join(labels, ", ")
	}
	return b.Brand.Name + " – " + what
}

func (s *Server) feedHandler(ff feedFormat) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error { return s.serveFeed(w, r, ff) }
}

// serveFeed writes the newest published materials that the listing's
// filter in the query selects. A value the listing does not know is a 400
// (a theme or school that does not exist a 404), never an empty feed
// that would look as if nothing were published.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, ff feedFormat) error {
	ctx := r.Context()
	themes, schools, err := s.filterLists(ctx)
	if err != nil {
		return err
	}
	query := r.URL.Query()
	if query.Has("q") {
		s.renderProblem(w, r, http.StatusBadRequest, "feed.bad.title",
			func(b Base) string { return b.T("feed.no_query") })
		return nil
	}
	f, bad := parseFilter(query, themes, schools)
	if bad != nil {
		s.feedProblem(w, r, bad, query)
		return nil
	}
	full, badText := fullText(query)
	if badText != "" {
		s.feedProblem(w, r, &filterProblem{Param: paramText, Value: badText}, query)
		return nil
	}

	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	facets, err := s.store.PublishedFacets(ctx)
	if err != nil {
		return err
	}
	ids, _ := facets.Select(f)
	ms, err := s.store.MaterialsByID(ctx, ids[:min(len(ids), feedLimit)])
	if err != nil {
		return err
	}
	fd, err := s.buildFeed(r, b, f, ms, themes, schools, full)
	if err != nil {
		return err
	}
	self := filterQuery(f, themes, schools)
	if full {
		self.Set(paramText, textFull)
	}
	if q := self.Encode(); q != "" {
		fd.SelfURL = s.publicBase(r) + ff.Path + "?" + q
	} else {
		fd.SelfURL = s.publicBase(r) + ff.Path
	}
	body, err := ff.write(fd)
	if err != nil {
		return err
	}

	serveCached(w, ff.Type+"; charset=utf-8", feedMaxAge, fd.Updated, body)
	return nil
}

// fullText reports whether the query asks for the full text, or the
// first value of tekst that does not exist. An empty value asks for
// nothing, as an empty filter value does.
func fullText(q url.Values) (full bool, bad string) {
	for _, v := range q[paramText] {
		switch v {
		case textFull:
			full = true
		case "":
		default:
			return false, v
		}
	}
	return full, ""
}

// feedProblem explains a filter value that chose nothing.
func (s *Server) feedProblem(w http.ResponseWriter, r *http.Request, bad *filterProblem, q url.Values) {
	status, title := http.StatusBadRequest, "feed.bad.title"
	text := func(b Base) string { return b.T("feed.bad_filter", bad.Param+"="+bad.Value) }
	switch {
	case bad.Param == paramText:
		text = func(b Base) string { return b.T("feed.bad_text", bad.Param+"="+bad.Value, paramText+"="+textFull) }
	case len(q[bad.Param]) > maxFilterValues:
		text = func(b Base) string { return b.T("feed.too_many", bad.Param, maxFilterValues) }
	case bad.Param == paramTheme || bad.Param == paramSchool:
		status, title = http.StatusNotFound, "feed.notfound.title"
		key := "feed.unknown_theme"
		if bad.Param == paramSchool {
			key = "feed.unknown_school"
		}
		text = func(b Base) string { return b.T(key, bad.Value) }
	}
	s.renderProblem(w, r, status, title, text)
}

// buildFeed makes the feed of materials ms, the newest first, with their
// full text when full is set.
func (s *Server) buildFeed(r *http.Request, b Base, f material.Filter, ms []*material.Material,
	themes []storage.Theme, schools []storage.School, full bool) (*feed.Feed, error) {
	base := s.publicBase(r)
	home := base + "/materialer"
	if q := filterQuery(f, themes, schools).Encode(); q != "" {
		home += "?" + q
	}
	fd := &feed.Feed{Title: feedSubject(b, f, themes, schools), Language: "da", HomeURL: home,
		Author: ownerName(b)}
	fd.Description = b.T("home.lead")
	if labels := filterLabels(b, f, themes, schools); len(labels) > 0 {
		fd.Description = b.T("feed.description", b.Brand.Name, strings.Join(labels, ", "))
	}
	if b.LogoURL != "" {
		fd.IconURL = base + b.LogoURL
	}

	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.CoverID, m.PosterID, m.VideoID)
		for _, a := range m.Attachments {
			ids = append(ids, a.MediaID)
		}
	}
	files, err := s.store.MediaByIDs(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		it, err := s.feedItem(r, b, m, files, themes, schools, full)
		if err != nil {
			return nil, err
		}
		fd.Items = append(fd.Items, it)
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
	}
	return fd, nil
}

// ownerName is who publishes the hub: the municipality, or the hub's name.
func ownerName(b Base) string {
	if b.Brand.Owner != "" {
		return b.Brand.Owner
	}
	return b.Brand.Name
}

// feedItem makes a material's entry: its summary, its film or files as
// enclosures, its kind, audiences, themes, grades and school as
// categories and, when full is set, its full text with absolute addresses.
func (s *Server) feedItem(r *http.Request, b Base, m *material.Material, files map[int64]*storage.Media,
	themes []storage.Theme, schools []storage.School, full bool) (feed.Item, error) {
	base := s.publicBase(r)
	page := base + "/materialer/" + m.Slug
	it := feed.Item{ID: entryID(base, m), URL: page, Title: m.Title, Summary: m.Summary, Language: m.Language,
		Author: ownerName(b), Published: m.PublishedAt, Updated: m.UpdatedAt}
	if m.PublishedAt.After(it.Updated) {
		it.Updated = m.PublishedAt
	}
	if m.Kind == material.Link {
		it.ExternalURL = m.LinkURL
	}
	if img := coverOf(m, files); img != nil {
		it.ImageURL = base + "/media/" + img.Key
	} else {
		it.ImageURL = base + sharePath + shareImageOf(b, m, files).Name
	}
	if v := files[m.VideoID]; v != nil && m.Kind == material.Film {
		it.Enclosures = append(it.Enclosures, feed.Enclosure{URL: base + "/media/" + v.Key, Type: v.ContentType,
			Length: v.Size, Title: m.Title})
	}
	for _, a := range m.Attachments {
		if f := files[a.MediaID]; f != nil {
			it.Enclosures = append(it.Enclosures, feed.Enclosure{URL: base + "/media/" + f.Key,
				Type: f.ContentType, Length: f.Size, Title: a.Title})
		}
	}
	it.Categories = materialCategories(b, base, m, themes, schools)
	for _, sc := range schools {
		if sc.ID == m.SchoolID {
			it.Author = sc.Name
		}
	}
	if !full {
		return it, nil
	}

	content, err := feedContent(b, m, files)
	if err != nil {
		return it, err
	}
	it.ContentHTML = absoluteLinks(content, base, page)
	return it, nil
}

// entryID is a tag URI (RFC 4151) that names a material for good: it
// keeps its id when the title, and so the address, changes.
func entryID(base string, m *material.Material) string {
	host := base
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + m.CreatedAt.UTC().Format("2006-01-02") + ":materiale-" +
		strconv.FormatInt(m.ID, 10)
}

// coverOf is the image that stands for a material: its cover, or a
// film's poster.
func coverOf(m *material.Material, files map[int64]*storage.Media) *storage.Media {
	if img := files[m.CoverID]; img != nil {
		return img
	}
	return files[m.PosterID]
}

// materialCategories files a material under its kind, audiences, themes,
// grade bands and school, each with the listing address of its vocabulary
// as the scheme.
func materialCategories(b Base, base string, m *material.Material, themes []storage.Theme,
	schools []storage.School) []feed.Category {
	listing := base + "/materialer?"
	out := []feed.Category{{Term: kindParams.param(m.Kind), Label: b.T("kind." + string(m.Kind)),
		Scheme: listing + paramKind + "="}}
	for _, a := range m.Audiences {
		out = append(out, feed.Category{Term: audienceParams.param(a), Label: b.T("audience." + string(a)),
			Scheme: listing + paramAudience + "="})
	}
	for _, t := range themes {
		for _, id := range m.ThemeIDs {
			if t.ID == id {
				out = append(out, feed.Category{Term: t.Slug, Label: t.Name, Scheme: base + "/temaer/"})
			}
		}
	}
	for _, g := range m.GradeBands {
		out = append(out, feed.Category{Term: gradeParams.param(g), Label: b.T("grade." + string(g)),
			Scheme: listing + paramGrade + "="})
	}
	for _, sc := range schools {
		if sc.ID == m.SchoolID {
			out = append(out, feed.Category{Term: sc.Slug, Label: sc.Name, Scheme: base + "/skoler/"})
		}
	}
	return out
}

// feedContent is a material's full text as a reader of the feed needs
// it: the cover, the sanitised body, and what the page shows besides it
// (a film's transcript, a guide's files, where a link leads).
func feedContent(b Base, m *material.Material, files map[int64]*storage.Media) (string, error) {
	body, err := markdown.ToHTML(m.Body)
	if err != nil {
		return "", err
	}
	esc := template.HTMLEscapeString
	var c strings.Builder
	if img := files[m.CoverID]; img != nil {
		c.WriteString(`<p><img src="/media/` + esc(img.Key) + `" alt="` + esc(m.CoverAlt) + `" width="` +
			strconv.Itoa(img.Width) + `" height="` + strconv.Itoa(img.Height) + `"></p>`)
	}
	if m.Kind == material.Link {
		c.WriteString(`<p>` + esc(b.T("material.link_by", m.LinkPublisher)) + `</p>`)
	}
	c.WriteString(string(body))
	switch m.Kind {
	case material.Link:
		host := m.LinkURL
		if u, err := url.Parse(m.LinkURL); err == nil {
			host = strings.TrimPrefix(u.Hostname(), "www.")
		}
		c.WriteString(`<p><a href="` + esc(m.LinkURL) + `">` + esc(b.T("material.link_go", host)) + `</a></p>`)
	case material.Film:
		c.WriteString(`<p><a href="/materialer/` + esc(m.Slug) + `">` + esc(b.T("feed.watch")) + `</a></p>`)
		if m.Transcript != "" {
			c.WriteString(`<h2>` + esc(b.T("material.transcript")) + `</h2>` + string(paragraphs(m.Transcript)))
		}
	}
	var list strings.Builder
	for _, a := range m.Attachments {
		if f := files[a.MediaID]; f != nil {
			list.WriteString(`<li><a href="/media/` + esc(f.Key) + `">` + esc(a.Title) + `</a> (` +
				esc(media.TypeLabel(f.ContentType)) + `, ` + esc(media.HumanSize(f.Size)) + `)</li>`)
		}
	}
	if list.Len() > 0 {
		c.WriteString(`<h2>` + esc(b.T("material.attachments")) + `</h2><ul>` + list.String() + `</ul>`)
	}
	return c.String(), nil
}

// localRef finds the hub's own addresses in HTML attributes: paths from
// the root and in-page fragments.
var localRef = regexp.MustCompile(`(href|src)="(/[^/]|#)`)

// absoluteLinks makes the hub's own addresses in sanitised HTML absolute,
// as a feed reader shows the text away from the site: paths get the base,
// fragments the page's address.
func absoluteLinks(html, base, page string) string {
	return localRef.ReplaceAllStringFunc(html, func(m string) string {
		attr, rest, _ := strings.Cut(m, `="`)
		if rest == "#" {
			return attr + `="` + page + "#"
		}
		return attr + `="` + base + rest
	})
}
