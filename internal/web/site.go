package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/search"
	"github.com/bindeled/bindeled/internal/share"
	"github.com/bindeled/bindeled/internal/storage"
)

// pageSize is how many cards a listing shows per page.
const pageSize = 12

// Card is a material as a listing shows it.
type Card struct {
	Title     string
	URL       string
	Summary   string
	Kind      material.Kind
	Audiences []material.Audience
	CoverURL  string
	CoverAlt  string
	CoverW    int
	CoverH    int
	Date      time.Time
	Publisher string // for links: who publishes the resource
	Eager     bool   // shown at the top of a page: load the image at once
	Pic       *Picture
	// Snippet, for a search, is where the query matched, in place of the
	// summary.
	Snippet []search.Part
}

// cards turns materials into cards, fetching their cover images at once.
func (s *Server) cards(r *http.Request, ms []*material.Material) ([]Card, error) {
	var ids []int64
	for _, m := range ms {
		if m.CoverID != 0 {
			ids = append(ids, m.CoverID)
		} else if m.PosterID != 0 {
			ids = append(ids, m.PosterID)
		}
	}
	files, err := s.store.MediaByIDs(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	rends, err := s.store.RenditionsOf(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]Card, len(ms))
	for i, m := range ms {
		c := Card{Title: m.Title, URL: "/materialer/" + m.Slug, Summary: m.Summary, Kind: m.Kind,
			Audiences: m.Audiences, Date: m.PublishedAt, CoverAlt: m.CoverAlt}
		if m.Kind == material.Link {
			c.Publisher = m.LinkPublisher
		}
		img := files[m.CoverID]
		if img == nil && m.PosterID != 0 {
			img, c.CoverAlt = files[m.PosterID], ""
		}
		if img != nil {
			c.CoverURL, c.CoverW, c.CoverH = "/media/"+img.Key, img.Width, img.Height
			c.Pic = newPicture(img, rends[img.ID], "/media/", sizesCard)
			c.Pic.Alt = c.CoverAlt
		}
		out[i] = c
	}
	return out, nil
}

// Img is the card's picture, loaded lazily unless the card is at the top.
func (c Card) Img(class, sizes string) template.HTML {
	if c.Pic == nil {
		return ""
	}
	p := *c.Pic
	p.Class, p.Sizes, p.Lazy = class, sizes, !c.Eager
	return p.HTML()
}

// HomePage is the front page.
type HomePage struct {
	Base
	Featured []Card
	Sections []AudienceSection
	Themes   []ThemeLink
}

// AudienceSection shows the newest materials for one audience.
type AudienceSection struct {
	Audience material.Audience
	Param    string
	Cards    []Card
}

// ThemeLink is a theme with how many published materials it has.
type ThemeLink struct {
	storage.Theme
	Count int
}

// oldFrontAddress leads an old site's address on the front page
// ("/?p=123") to its material. It runs ahead of the page cache, which
// keeps the front page under "/" whatever the query.
func (s *Server) oldFrontAddress(w http.ResponseWriter, r *http.Request) (bool, error) {
	if r.URL.RawQuery == "" {
		return false, nil
	}
	return s.oldAddress(w, r)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.Brand.Name, "home"
	b.Description = b.T("home.lead")
	b.Feeds = feedLinks(b, material.Filter{}, nil, nil)
	s.siteMeta(r, &b, "/")

	facets, err := s.store.PublishedFacets(r.Context())
	if err != nil {
		return err
	}
	all, counts := facets.Select(material.Filter{})
	p := HomePage{Base: b}

	var featured []int64
	for _, id := range all {
		if f := facetByID(facets.Facets(), id); f != nil && f.Featured && len(featured) < 3 {
			featured = append(featured, id)
		}
	}
	if p.Featured, err = s.cardsByID(r, featured); err != nil {
		return err
	}
	for i := range p.Featured {
		p.Featured[i].Eager = true
	}

	// Each audience gets its newest materials that the page has not shown
	// yet, so a material for everyone appears once.
	shown := map[int64]bool{}
	for _, id := range featured {
		shown[id] = true
	}
	for _, a := range material.Audiences {
		ids, _ := facets.Select(material.Filter{Audiences: []material.Audience{a}})
		var pick []int64
		for _, id := range ids {
			if !shown[id] && len(pick) < 3 {
				pick, shown[id] = append(pick, id), true
			}
		}
		if len(pick) == 0 {
			continue
		}
		cs, err := s.cardsByID(r, pick)
		if err != nil {
			return err
		}
		p.Sections = append(p.Sections, AudienceSection{Audience: a, Param: audienceParams.param(a), Cards: cs})
	}
	if p.Themes, err = s.themeLinks(r, counts); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "site/home", p)
}

func facetByID(fs []material.Facet, id int64) *material.Facet {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func (s *Server) cardsByID(r *http.Request, ids []int64) ([]Card, error) {
	ms, err := s.store.MaterialsByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	return s.cards(r, ms)
}

func (s *Server) themeLinks(r *http.Request, counts material.Counts) ([]ThemeLink, error) {
	themes, err := s.store.Themes(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]ThemeLink, 0, len(themes))
	for _, t := range themes {
		out = append(out, ThemeLink{Theme: t, Count: counts.Themes[t.ID]})
	}
	return out, nil
}

// ListingPage is the list of materials with its filters.
type ListingPage struct {
	Base
	Heading    string
	Lead       string
	Action     string
	Groups     []FilterGroup
	Cards      []Card
	Total      int
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	ClearURL   string
	BadFilter  bool
	HideGroups map[string]bool

	Query         string // what the reader searched for
	QueryMissed   bool   // the query found nothing, whatever the filters
	Suggestion    string // a query that would find something, when nothing was found
	SuggestionURL string
}

// FilterGroup is one facet of the listing's filter form.
type FilterGroup struct {
	Name    string // the query parameter
	Legend  string
	Options []FilterOption
}

// FilterOption is one checkbox in a filter group.
type FilterOption struct {
	Value   string
	Label   string
	Count   int
	Checked bool
	ID      string
}

func (s *Server) listing(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("list.title"), "materials"
	p := ListingPage{Base: b, Heading: b.T("list.title"), Action: "/materialer"}
	return s.renderListing(w, r, p, nil)
}

// renderListing filters, counts and paginates; fixed narrows the listing
// to a theme or a school and hides that facet's group.
func (s *Server) renderListing(w http.ResponseWriter, r *http.Request, p ListingPage,
	fixed func(*material.Filter)) error {
	themes, schools, err := s.filterLists(r.Context())
	if err != nil {
		return err
	}
	query := r.URL.Query()
	f, bad := parseFilter(query, themes, schools)
	if fixed != nil {
		fixed(&f)
	}

	// A query narrows the listing to what it finds, in the order found;
	// the facets then count within the results.
	p.Query = cleanQueryText(query.Get("q"))
	words, err := s.store.QueryWords(r.Context(), p.Query)
	if err != nil {
		return err
	}
	var ids []int64
	var counts material.Counts
	if p.Query == "" {
		facets, err := s.store.PublishedFacets(r.Context())
		if err != nil {
			return err
		}
		ids, counts = facets.Select(f)
	} else {
		hits, err := s.store.SearchWords(r.Context(), words, storage.SearchOptions{PublishedOnly: true})
		if err != nil {
			return err
		}
		facets, order, err := s.store.RankedFacets(r.Context(), hits)
		if err != nil {
			return err
		}
		ids, counts = facets.SelectRanked(order, f)
		p.QueryMissed = len(hits) == 0
		if len(hits) == 0 && len(words) > 0 {
			if p.Suggestion, err = s.store.Suggest(r.Context(), p.Query,
				storage.SearchOptions{PublishedOnly: true}); err != nil {
				return err
			}
			if p.Suggestion != "" {
				v := url.Values{}
				for k, vs := range query {
					if !trackingParam(k) {
						v[k] = vs
					}
				}
				v.Set("q", p.Suggestion)
				v.Del("side")
				p.SuggestionURL = p.Action + "?" + v.Encode()
			}
			if st := state(r); st.cache != nil {
				st.cache.missed = p.Query
			}
			s.logMissedSearch(r, p.Query)
		}
	}

	p.Total = len(ids)
	p.Pages = max(1, (len(ids)+pageSize-1)/pageSize)
	p.Page = parsePage(query.Get("side"), p.Pages)
	from := (p.Page - 1) * pageSize
	page, err := s.store.MaterialsByID(r.Context(), ids[from:min(from+pageSize, len(ids))])
	if err != nil {
		return err
	}
	if p.Cards, err = s.cards(r, page); err != nil {
		return err
	}
	if p.Query != "" { // show where the query matched, marked
		for i, m := range page {
			if snip := search.Snippet(m.Summary, words, 40); snip != nil {
				p.Cards[i].Snippet = snip
			} else {
				p.Cards[i].Snippet = search.Snippet(markdown.PlainText(m.Body+"\n\n"+m.Transcript), words, 30)
			}
		}
	}

	p.BadFilter = bad != nil
	p.Feeds = feedLinks(p.Base, f, themes, schools)
	s.siteMeta(r, &p.Base, listingPath(p.Action, fixedFilter(f, p.HideGroups), p.Query, p.Page, themes, schools))
	p.Groups = filterGroups(p.Base, f, counts, themes, schools, p.HideGroups)
	p.ClearURL = p.Action // clearing the filters keeps the search
	if p.Query != "" {
		p.ClearURL += "?" + url.Values{"q": {p.Query}}.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = pageURL(p.Action, query, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL(p.Action, query, p.Page+1)
	}
	if p.Page > 1 {
		p.Title = p.Title + " – " + p.T("list.page", p.Page, p.Pages)
	}
	return s.render(w, http.StatusOK, "site/listing", p)
}

// parsePage reads a page number; anything unreadable or out of range is
// the nearest valid page, never an error.
func parsePage(s string, pages int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, pages)
}

func pageURL(action string, q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "side" && !trackingParam(k) {
			v[k] = vs
		}
	}
	if page > 1 {
		v.Set("side", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return action
	}
	return action + "?" + v.Encode()
}

func (s *Server) materialPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.publishedBySlug(w, r)
	if err != nil {
		return err
	}
	p, err := s.materialView(r, m, "/media/")
	if err != nil {
		return err
	}
	p.ShowVideo = r.URL.Query().Get("video") == "vis"
	if err := s.materialMeta(r, &p, p.files); err != nil {
		return err
	}
	base := s.publicBase(r)
	p.OEmbedJSON = base + "/oembed?" + url.Values{"url": {p.Canonical}, "format": {"json"}}.Encode()
	p.OEmbedXML = base + "/oembed?" + url.Values{"url": {p.Canonical}, "format": {"xml"}}.Encode()
	s.countVisit(r, m)
	return s.render(w, http.StatusOK, "site/material", p)
}

// countVisit counts a visit that came through a tagged link (?k=aula)
// for the material, on today's date in Copenhagen. Untagged visits and
// unknown tags are not counted, and nothing about the visitor is kept.
// The page is the same whether the visit counted or not; a count that
// fails is logged and the page served.
func (s *Server) countVisit(r *http.Request, m *material.Material) {
	if st := state(r); st.cache != nil {
		st.cache.visit = m.ID // hits of the kept page count theirs too
	}
	s.countVisitID(r, m.ID)
}

// countVisitID counts a tagged visit to the material with the given id.
func (s *Server) countVisitID(r *http.Request, id int64) {
	if r.Method != http.MethodGet {
		return
	}
	c, ok := share.ParseChannel(r.URL.Query().Get(share.TagParam))
	if !ok {
		return
	}
	s.counts.addVisit(storage.Visit{MaterialID: id, Channel: string(c), Day: s.today()})
}

// logMissedSearch keeps a search that found nothing, for the editors. A
// kept page of such a search logs it again on every hit, so the count is
// the same as without the cache.
func (s *Server) logMissedSearch(_ *http.Request, query string) {
	s.counts.addMissed(query)
}

// wsViewMaterial shows a material of any status as readers would see it,
// for reviewers and writers, with its files from the workspace.
// A reviewer reads, comments and gives a verdict here; a published
// material's pending version is shown when it waits for review.
func (s *Server) wsViewMaterial(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reviewMaterial(r)
	if err != nil {
		return err
	}
	return s.renderDraftView(w, r, http.StatusOK, m, nil)
}

func (s *Server) renderDraftView(w http.ResponseWriter, r *http.Request, status int, m *material.Material,
	problems material.Problems) error {
	shown := m
	if m.Status == material.Published {
		pending, err := s.store.PendingVersion(r.Context(), m.ID)
		if err != nil {
			return err
		}
		if pending != nil && (pending.Status == material.InReview || actorOf(state(r).user) == material.ByEditor) {
			shown = pending.M
			shown.Status = m.Status
		}
	}
	p, err := s.materialView(r, shown, "/redaktion/medier/")
	if err != nil {
		return err
	}
	p.Draft, p.WorkspaceCSS = true, true
	if state(r).user.Role != storage.RoleReviewer {
		p.EditURL = materialEditURL(m.ID, "")
	}
	p.ShowVideo = r.URL.Query().Get("video") == "vis"
	if p.Review, err = s.reviewPanel(r, m, shown.Body); err != nil {
		return err
	}
	p.Review.Problems, p.Review.FromView = problems, true
	if len(problems) > 0 {
		p.Review.Typed = typedReview(r)
	}
	if len(problems) > 0 {
		p.Flash = p.T("error.form")
	}
	return s.render(w, status, "site/material", p)
}

func (s *Server) printPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.publishedBySlug(w, r)
	if err != nil {
		return err
	}
	p, err := s.materialView(r, m, "/media/")
	if err != nil {
		return err
	}
	if err := s.materialMeta(r, &p, p.files); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "site/print", p)
}

// publishedBySlug finds a published material, or redirects from an old
// slug; drafts are not found.
func (s *Server) publishedBySlug(w http.ResponseWriter, r *http.Request) (*material.Material, error) {
	slug := r.PathValue("slug")
	if !material.ValidSlug(slug) {
		return nil, errNotFound
	}
	m, err := s.store.GetMaterialBySlug(r.Context(), slug)
	if errors.Is(err, storage.ErrNotFound) {
		current, rerr := s.store.RedirectSlug(r.Context(), slug)
		if rerr != nil {
			return nil, rerr
		}
		// An old address leads on only to a public material: its new
		// address is not for readers while it is not.
		if cur, err := s.store.GetMaterialBySlug(r.Context(), current); err != nil || cur.Status != material.Published {
			return nil, errNotFound
		}
		target := strings.Replace(r.URL.Path, "/"+slug, "/"+current, 1)
		if r.URL.RawQuery != "" { // a channel tag or a film's choice goes along
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil, errHandled
	}
	if err != nil {
		return nil, err
	}
	if m.Status != material.Published {
		return nil, errNotFound
	}
	return m, nil
}

// MaterialPage shows one material.
type MaterialPage struct {
	Base
	M           *material.Material
	Body        template.HTML
	URL         string
	Cover       *storage.Media
	Video       *storage.Media
	Captions    *storage.Media
	Poster      *storage.Media
	CoverPic    template.HTML
	PosterPic   template.HTML
	External    *material.ExternalVideo
	ShowVideo   bool
	Attachments []AttachmentView
	Themes      []storage.Theme
	School      *storage.School
	LinkHost    string
	Related     []Card

	// OEmbedJSON and OEmbedXML are the oEmbed addresses that the page
	// names for sites that embed it.
	OEmbedJSON string
	OEmbedXML  string

	// Draft is set when the workspace shows the material before it is
	// public; its files then come from MediaPrefix.
	Draft       bool
	MediaPrefix string
	EditURL     string
	Review      *ReviewPanel

	// ShareImage is the absolute address of the material's share image.
	ShareImage string
	files      map[int64]*storage.Media
}

// AttachmentView is a downloadable file with its type and size.
type AttachmentView struct {
	Title       string
	URL         string
	Type        string
	Size        string
	ContentType string
}

// bodyMedia points the images of a rendered body (imported ones, kept in
// the hub's media as /media/KEY) at prefix instead, so the workspace shows
// them from its own route while their material is not public.
func bodyMedia(body template.HTML, prefix string) template.HTML {
	if prefix == "/media/" {
		return body
	}
	// The sanitiser writes every attribute in double quotes, so this finds
	// exactly the image addresses that start with /media/.
	return template.HTML(strings.ReplaceAll(string(body), `src="/media/`, `src="`+prefix))
}

func (s *Server) materialView(r *http.Request, m *material.Material, mediaPrefix string) (MaterialPage, error) {
	b, err := s.base(r, m.Title)
	if err != nil {
		return MaterialPage{}, err
	}
	b.Description, b.Section = m.Summary, "materials"
	p := MaterialPage{Base: b, M: m, URL: "/materialer/" + m.Slug, MediaPrefix: mediaPrefix}
	if p.Body, err = markdown.ToHTML(m.Body); err != nil {
		return p, err
	}

	ids := []int64{m.CoverID, m.VideoID, m.CaptionsID, m.PosterID}
	for _, a := range m.Attachments {
		ids = append(ids, a.MediaID)
	}
	files, err := s.store.MediaByIDs(r.Context(), ids)
	if err != nil {
		return p, err
	}
	p.files = files
	p.Cover, p.Video, p.Captions, p.Poster = files[m.CoverID], files[m.VideoID], files[m.CaptionsID], files[m.PosterID]
	if err := s.materialPictures(r, &p); err != nil {
		return p, err
	}
	p.Body = bodyMedia(p.Body, mediaPrefix)
	for _, a := range m.Attachments {
		if f := files[a.MediaID]; f != nil {
			p.Attachments = append(p.Attachments, AttachmentView{Title: a.Title, URL: mediaPrefix + f.Key,
				Type: media.TypeLabel(f.ContentType), Size: media.HumanSize(f.Size), ContentType: f.ContentType})
		}
	}
	if v, ok := material.ParseExternalVideo(m.ExternalURL); ok && m.Kind == material.Film {
		p.External = &v
	}
	if u, err := url.Parse(m.LinkURL); err == nil && m.LinkURL != "" {
		p.LinkHost = strings.TrimPrefix(u.Hostname(), "www.")
	}
	if err := s.materialContext(r, m, &p); err != nil {
		return p, err
	}
	return p, nil
}

// materialContext fills in the themes, the school and related materials.
func (s *Server) materialContext(r *http.Request, m *material.Material, p *MaterialPage) error {
	themes, err := s.store.Themes(r.Context())
	if err != nil {
		return err
	}
	for _, t := range themes {
		for _, id := range m.ThemeIDs {
			if t.ID == id {
				p.Themes = append(p.Themes, t)
			}
		}
	}
	if m.SchoolID != 0 {
		schools, err := s.store.Schools(r.Context())
		if err != nil {
			return err
		}
		for i := range schools {
			if schools[i].ID == m.SchoolID {
				p.School = &schools[i]
			}
		}
	}
	var ids []int64
	if len(m.ThemeIDs) > 0 {
		facets, err := s.store.PublishedFacets(r.Context())
		if err != nil {
			return err
		}
		ids, _ = facets.Select(material.Filter{ThemeIDs: m.ThemeIDs})
	} else {
		// Without themes, the materials whose words are most like the
		// title's.
		hits, err := s.store.Search(r.Context(), m.Title, storage.SearchOptions{PublishedOnly: true})
		if err != nil {
			return err
		}
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
	}
	var related []int64
	for _, id := range ids {
		if id != m.ID && len(related) < 3 {
			related = append(related, id)
		}
	}
	p.Related, err = s.cardsByID(r, related)
	return err
}

// publishedCounts counts the published materials per facet value.
func (s *Server) publishedCounts(r *http.Request) (material.Counts, error) {
	facets, err := s.store.PublishedFacets(r.Context())
	if err != nil {
		return material.Counts{}, err
	}
	_, counts := facets.Select(material.Filter{})
	return counts, nil
}

// ThemesPage lists the themes.
type ThemesPage struct {
	Base
	Themes []ThemeLink
}

func (s *Server) themes(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("themes.title"), "themes"
	counts, err := s.publishedCounts(r)
	if err != nil {
		return err
	}
	p := ThemesPage{Base: b}
	if p.Themes, err = s.themeLinks(r, counts); err != nil {
		return err
	}
	s.siteMeta(r, &p.Base, "/temaer")
	return s.render(w, http.StatusOK, "site/themes", p)
}

func (s *Server) themePage(w http.ResponseWriter, r *http.Request) error {
	if !material.ValidSlug(r.PathValue("slug")) {
		return errNotFound
	}
	t, err := s.store.ThemeBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	b, err := s.base(r, t.Name)
	if err != nil {
		return err
	}
	b.Section, b.Description = "themes", t.Description
	p := ListingPage{Base: b, Heading: t.Name, Lead: t.Description, Action: "/temaer/" + t.Slug,
		HideGroups: map[string]bool{paramTheme: true}}
	return s.renderListing(w, r, p, func(f *material.Filter) { f.ThemeIDs = []int64{t.ID} })
}

// SchoolsPage lists the schools.
type SchoolsPage struct {
	Base
	Schools []SchoolLink
}

// SchoolLink is a school with how many published materials it has.
type SchoolLink struct {
	storage.School
	Count int
}

func (s *Server) schools(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("schools.title"), "schools"
	schools, err := s.store.Schools(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.publishedCounts(r)
	if err != nil {
		return err
	}
	p := SchoolsPage{Base: b}
	for _, sc := range schools {
		p.Schools = append(p.Schools, SchoolLink{School: sc, Count: counts.Schools[sc.ID]})
	}
	s.siteMeta(r, &p.Base, "/skoler")
	return s.render(w, http.StatusOK, "site/schools", p)
}

func (s *Server) schoolPage(w http.ResponseWriter, r *http.Request) error {
	if !material.ValidSlug(r.PathValue("slug")) {
		return errNotFound
	}
	sc, err := s.store.SchoolBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	b, err := s.base(r, sc.Name)
	if err != nil {
		return err
	}
	b.Section = "schools"
	p := ListingPage{Base: b, Heading: sc.Name, Action: "/skoler/" + sc.Slug,
		HideGroups: map[string]bool{paramSchool: true}}
	if sc.URL != "" {
		p.Lead = sc.URL
	}
	return s.renderListing(w, r, p, func(f *material.Filter) { f.SchoolIDs = []int64{sc.ID} })
}

// AboutPage tells what the hub is.
type AboutPage struct {
	Base
	Body template.HTML
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("about.title"), "about"
	p := AboutPage{Base: b}
	if p.Body, err = markdown.ToHTML(aboutText(b)); err != nil {
		return err
	}
	s.siteMeta(r, &p.Base, "/om")
	return s.render(w, http.StatusOK, "site/about", p)
}

// StatementPage is the accessibility statement.
type StatementPage struct {
	Base
	Issues   template.HTML
	Reviewed time.Time
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("a11y.title"), "a11y"
	p := StatementPage{Base: b}
	if p.Issues, err = markdown.ToHTML(b.Brand.A11yIssues); err != nil {
		return err
	}
	if t, err := time.Parse("2006-01-02", b.Brand.A11yReviewed); err == nil {
		p.Reviewed = t
	}
	s.siteMeta(r, &p.Base, "/tilgaengelighed")
	return s.render(w, http.StatusOK, "site/accessibility", p)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n")) // the status says it all
		return nil
	}
	_, err := w.Write([]byte("ok\n"))
	return err
}

// maxQueryRunes bounds a search query.
const maxQueryRunes = 200

// cleanQueryText trims a typed query, drops control and direction
// characters (which would garble the page that repeats it) and bounds its
// length.
func cleanQueryText(q string) string {
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, q)
	q = strings.TrimSpace(q)
	if r := []rune(q); len(r) > maxQueryRunes {
		q = strings.TrimSpace(string(r[:maxQueryRunes]))
	}
	return q
}
