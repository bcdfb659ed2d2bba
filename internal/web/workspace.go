package web

import (
	"errors"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/fetch"
	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// wsPageSize is how many rows the workspace's material list shows.
const wsPageSize = 50

// WSMaterialsPage lists materials for editors.
type WSMaterialsPage struct {
	Base
	Query     string
	Materials []*material.Material
	Failing   map[int64]bool // public materials that fail the publication checks
	Pending   map[int64]material.Status
	Tasks     []storage.ReviewTask // open rounds the user is asked to answer
	Total     int
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
}

func (s *Server) wsMaterials(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.materials")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if r := []rune(query); len(r) > 200 {
		query = string(r[:200])
	}
	b.Section = "materials"
	p := WSMaterialsPage{Base: b, Query: query}
	page := parsePage(q.Get("side"), 1<<20)
	schools, all, err := s.userSchools(r)
	if err != nil {
		return err
	}
	if all {
		schools = nil
	} else if schools == nil {
		schools = []int64{}
	}
	var exclude []material.Status
	if u := state(r).user; u.Role == storage.RoleReviewer {
		exclude = []material.Status{material.Draft, material.Unpublished} // not theirs to read
	}
	if p.Tasks, err = s.store.ReviewTasks(r.Context(), state(r).user.ID); err != nil {
		return err
	}
	if p.Pending, err = s.store.PendingMaterialIDs(r.Context()); err != nil {
		return err
	}
	list := func(page int) error {
		if query == "" {
			p.Materials, p.Total, err = s.store.SearchSchoolMaterials(r.Context(), "", schools, exclude, wsPageSize,
				(page-1)*wsPageSize)
		} else {
			p.Materials, p.Total, err = s.searchWorkspace(r, query, schools, exclude, page)
		}
		return err
	}
	if err := list(page); err != nil {
		return err
	}
	if last := max(1, (p.Total+wsPageSize-1)/wsPageSize); page > last { // past the end: show the last page
		page = last
		if err := list(page); err != nil {
			return err
		}
	}
	p.Failing = map[int64]bool{}
	for _, m := range p.Materials {
		if m.Status == material.Published && material.CheckPublishable(m) != nil {
			p.Failing[m.ID] = true
		}
	}
	p.Pages = max(1, (p.Total+wsPageSize-1)/wsPageSize)
	p.Page = min(page, p.Pages)
	if p.Page > 1 {
		p.PrevURL = pageURL("/redaktion", q, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL("/redaktion", q, p.Page+1)
	}
	return s.render(w, http.StatusOK, "ws/materials", p)
}

// wsBase is the Base of a workspace page, with a flash message from the
// query string when a redirect left one.
func (s *Server) wsBase(r *http.Request, titleKey string) (Base, error) {
	b, err := s.base(r, "")
	if err != nil {
		return b, err
	}
	b.Title = b.T(titleKey) + " – " + b.T("ws.title")
	if key, ok := flashMessages[r.URL.Query().Get("besked")]; ok {
		b.Flash = b.T(key)
	}
	return b, nil
}

// flashMessages maps the besked parameter a redirect leaves to the
// message shown.
var flashMessages = map[string]string{
	"gemt":                      "ws.saved",
	"anonymiseret":              "ws.user.anonymised_done",
	"udgivet":                   "ws.published",
	"tilbagetrukket":            "ws.unpublished",
	"planlagt":                  "ws.scheduled",
	"sendt":                     "ws.submitted",
	"aendringer":                "ws.changes_requested",
	"godkendt":                  "ws.approved",
	"kladde":                    "ws.back_to_draft",
	"ventende":                  "ws.pending_saved",
	"ventende-sendt":            "ws.pending_submitted",
	"kasseret":                  "ws.pending_discarded",
	"runde":                     "ws.round_started",
	"kommentar":                 "ws.comment_added",
	"loest":                     "ws.comment_resolved",
	"vurdering":                 "ws.verdict_saved",
	"fil-trukket":               "ws.file_withdrawn",
	"afpublicering":             "ws.unpublish_planned",
	"afpublicering-annulleret":  "ws.unpublish_cancelled",
	"bekraeft-tilbagetraekning": "withdraw.confirm_needed",
	"slettet":                   "ws.deleted",
	"ude-overalt":               "login.logged_out_everywhere",
	"totp-fra":                  "ws.totp.disabled",
	"totp-nulstillet":           "ws.user.totp_reset_done",
}

// WSThemesPage manages the themes.
type WSThemesPage struct {
	Base
	Themes   []storage.Theme
	Edit     storage.Theme
	Problems material.Problems
}

func (s *Server) wsThemes(w http.ResponseWriter, r *http.Request) error {
	var edit storage.Theme
	if id := formID(r.URL.Query().Get("rediger")); id != 0 {
		themes, err := s.store.Themes(r.Context())
		if err != nil {
			return err
		}
		for _, t := range themes {
			if t.ID == id {
				edit = t
			}
		}
	}
	return s.renderThemes(w, r, http.StatusOK, edit, nil)
}

func (s *Server) renderThemes(w http.ResponseWriter, r *http.Request, status int, edit storage.Theme,
	problems material.Problems) error {
	b, err := s.wsBase(r, "ws.themes")
	if err != nil {
		return err
	}
	b.Section = "themes"
	themes, err := s.store.Themes(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, status, "ws/themes", WSThemesPage{Base: b, Themes: themes, Edit: edit, Problems: problems})
}

func (s *Server) wsSaveTheme(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64) // 0, a new theme, when missing or bad
	if f.Get("action") == "delete" {
		if err := s.store.DeleteTheme(r.Context(), id); err != nil {
			return err
		}
		s.audit(r, "theme:delete", "tema "+strconv.FormatInt(id, 10))
		http.Redirect(w, r, "/redaktion/temaer?besked=gemt", http.StatusSeeOther)
		return nil
	}

	t := storage.Theme{ID: id, Name: strings.TrimSpace(f.Get("name")),
		Description: strings.TrimSpace(f.Get("description"))}
	t.Slug = material.Slugify(f.Get("slug"))
	if t.Slug == "" {
		t.Slug = material.Slugify(t.Name)
	}
	problems := material.Problems{}
	switch n := utf8.RuneCountInString(t.Name); {
	case n == 0:
		problems.Add("name", "error.required")
	case n > 80:
		problems.Add("name", "error.name_too_long")
	}
	if t.Slug == "" {
		problems.Add("slug", "error.required")
	}
	if len(problems) == 0 {
		err := s.store.SaveTheme(r.Context(), &t)
		if errors.Is(err, storage.ErrConflict) {
			problems.Add("slug", "error.theme_exists")
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderThemes(w, r, http.StatusUnprocessableEntity, t, problems)
	}
	s.audit(r, "theme:save", "tema "+strconv.FormatInt(t.ID, 10)+": "+t.Name)
	http.Redirect(w, r, "/redaktion/temaer?besked=gemt", http.StatusSeeOther)
	return nil
}

// WSSettingsPage lets an admin make the hub the municipality's own.
type WSSettingsPage struct {
	Base
	Name     string
	Owner    string
	Colour   string
	About    string
	Logo     *storage.Media
	Problems material.Problems

	A11yContact  string
	A11yIssues   string
	A11yReviewed string
	A11yURL      string

	// ReviewUnitOff lets editors approve the learning unit's own
	// materials without a review round.
	ReviewUnitOff bool

	// RequireSecondFactor makes editors and admins use a second factor.
	RequireSecondFactor bool

	// FetchHosts is the fetcher's allow list as typed, one host a line;
	// BadHost the first line that is not a host name.
	FetchHosts string
	BadHost    string

	// PrivacyText is the privacy notice's own text (Markdown); Unfilled
	// lists the placeholders still in it.
	PrivacyText string
	Unfilled    []string
	// Retain holds the retention periods as typed, by form field; an
	// empty one is the default in Defaults.
	Retain   map[string]string
	Defaults storage.Retention

	limits media.Limits
}

// retentionFields names the form field of each retention setting.
var retentionFields = map[string]string{
	"retain_audit": storage.KeyRetainAudit, "retain_visits": storage.KeyRetainVisits,
	"retain_missed": storage.KeyRetainMissedSearch, "retain_mail": storage.KeyRetainMail,
}

// retentionBound returns the bounds of a retention form field.
func retentionBound(field string) storage.RetentionBound {
	for _, b := range storage.RetentionBounds {
		if b.Key == retentionFields[field] {
			return b
		}
	}
	return storage.RetentionBound{}
}

// readRetention reads the retention fields of the settings form into p
// and notes those that are not a number of days within their bounds.
func (p *WSSettingsPage) readRetention(f url.Values) {
	p.Retain = map[string]string{}
	for field := range retentionFields {
		v := strings.TrimSpace(f.Get(field))
		p.Retain[field] = v
		if v == "" {
			continue
		}
		if n, ok := storage.ParseRetentionDays(v, retentionBound(field)); ok {
			p.Retain[field] = strconv.Itoa(n)
		} else {
			p.Problems.Add(field, "error.retention_days")
		}
	}
}

// RetainField is one retention field of the settings form.
type RetainField struct {
	Name, Label, Help, Value string
	Problems                 []string
}

// RetainField describes the retention field name, labelled by the key
// label, whose default is def days.
func (p WSSettingsPage) RetainField(name, label string, def int) RetainField {
	b := retentionBound(name)
	help := p.T("ws.retention.default_days", def, b.Min, b.Max)
	if b.Min == 0 {
		// Zero is allowed, and keeps the records for good: say so.
		help = p.T("ws.retention.default_days_zero", def, b.Min, b.Max)
	}
	if def == 0 {
		help = p.T("ws.retention.default_forever", b.Min, b.Max)
	}
	return RetainField{Name: name, Label: p.T(label), Help: help, Value: p.Retain[name],
		Problems: p.ProblemText(name)}
}

// retentionSettings returns the retention settings to store.
func (p *WSSettingsPage) retentionSettings() map[string]string {
	kv := map[string]string{}
	for field, key := range retentionFields {
		kv[key] = p.Retain[field]
	}
	return kv
}

// ProblemText returns the translated problems of field.
func (p WSSettingsPage) ProblemText(field string) []string {
	if field == "fetch_hosts" && p.Problems.Has(field) {
		return []string{p.T("error.fetch_host", p.BadHost)}
	}
	if _, ok := retentionFields[field]; ok && p.Problems.Has(field) {
		b := retentionBound(field)
		return []string{p.T("error.retention_days", b.Min, b.Max)}
	}
	return problemTexts(p.Base, p.Problems, field, p.limits)
}

func (s *Server) wsSettings(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.settings")
	if err != nil {
		return err
	}
	b.Section = "settings"
	p := WSSettingsPage{Base: b, Name: b.Brand.Name, Owner: b.Brand.Owner,
		Colour: b.Brand.Colour.Hex(), About: b.Brand.About, A11yContact: b.Brand.A11yContact,
		A11yIssues: b.Brand.A11yIssues, A11yReviewed: b.Brand.A11yReviewed, A11yURL: b.Brand.A11yURL,
		ReviewUnitOff: s.reviewOff(r)}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	p.FetchHosts = kv[fetch.KeyAllowedHosts]
	p.PrivacyText = privacyText(kv)
	p.Unfilled = privacyPlaceholder.FindAllString(p.PrivacyText, -1)
	p.Defaults = s.retention(nil)
	p.Retain = map[string]string{}
	for field, key := range retentionFields {
		p.Retain[field] = kv[key]
	}
	p.RequireSecondFactor = kv[keyRequireSecondFactor] == "1"
	if b.Brand.LogoID != 0 {
		p.Logo, _ = s.store.GetMedia(r.Context(), b.Brand.LogoID) // a missing logo shows as none
	}
	return s.render(w, http.StatusOK, "ws/settings", p)
}

func logoClass(field string) (media.Class, bool) { return media.Image, field == "logo" }

func (s *Server) wsSaveSettings(w http.ResponseWriter, r *http.Request) error {
	f, problems, err := s.readMultipart(w, r, logoClass)
	if err != nil {
		return err
	}
	b, err := s.wsBase(r, "ws.settings")
	if err != nil {
		return err
	}
	b.Section = "settings"
	p := WSSettingsPage{Base: b, Name: strings.TrimSpace(f.Get("name")), Owner: strings.TrimSpace(f.Get("owner")),
		Colour: strings.TrimSpace(f.Get("colour")), About: f.Get("about"), Problems: merge(material.Problems{},
			problems),
		limits: s.cfg.Uploads, A11yContact: strings.TrimSpace(f.Get("a11y_contact")),
		A11yIssues: f.Get("a11y_issues"), A11yReviewed: strings.TrimSpace(f.Get("a11y_reviewed")),
		A11yURL: strings.TrimSpace(f.Get("a11y_url")), ReviewUnitOff: f.Get("review_unit_off") == "on",
		FetchHosts: f.Get("fetch_hosts"), PrivacyText: f.Get("privacy_text"), Defaults: s.retention(nil),
		RequireSecondFactor: f.Get("require_second_factor") == "on"}
	p.Unfilled = privacyPlaceholder.FindAllString(p.PrivacyText, -1)
	p.readRetention(f)
	logoID := keptID(f, "logo")
	if logoID != 0 {
		if p.Logo, err = s.store.GetMedia(r.Context(), logoID); err != nil || p.Logo.Class != string(media.Image) {
			p.Logo, logoID = nil, 0
		}
	}
	if p.Name == "" {
		p.Problems.Add("name", "error.required")
	}
	c, err := brand.ParseColour(p.Colour)
	switch {
	case errors.Is(err, brand.ErrColourContrast):
		p.Problems.Add("colour", "error.colour_contrast")
	case err != nil:
		p.Problems.Add("colour", "error.colour")
	}
	if _, err := time.Parse("2006-01-02", p.A11yReviewed); err != nil && p.A11yReviewed != "" {
		p.Problems.Add("a11y_reviewed", "error.date")
	}
	if p.A11yURL != "" && !strings.HasPrefix(p.A11yURL, "https://") || p.A11yURL != "" &&
		!material.IsWebURL(p.A11yURL) {
		p.Problems.Add("a11y_url", "error.url")
	}
	hosts, bad := fetch.ParseHosts(p.FetchHosts)
	if len(bad) > 0 {
		p.BadHost = bad[0]
		p.Problems.Add("fetch_hosts", "error.fetch_host")
	}
	if len(p.Problems) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "ws/settings", p)
	}
	logo := ""
	if logoID != 0 {
		logo = strconv.FormatInt(logoID, 10)
	}
	kv := map[string]string{
		brand.KeyName: p.Name, brand.KeyOwner: p.Owner, brand.KeyColour: c.Hex(), brand.KeyAbout: p.About,
		brand.KeyLogo: logo, brand.KeyA11yContact: p.A11yContact, brand.KeyA11yIssues: p.A11yIssues,
		brand.KeyA11yReviewed: p.A11yReviewed, brand.KeyA11yURL: p.A11yURL,
		keyReviewUnitOff:       map[bool]string{true: "1", false: ""}[p.ReviewUnitOff],
		fetch.KeyAllowedHosts:  strings.Join(hosts, "\n"),
		keyPrivacyText:         p.PrivacyText,
		keyRequireSecondFactor: map[bool]string{true: "1", false: ""}[p.RequireSecondFactor],
	}
	maps.Copy(kv, p.retentionSettings())
	err = s.store.PutSettings(r.Context(), kv)
	if err != nil {
		return err
	}
	s.audit(r, "settings:save", "")
	http.Redirect(w, r, "/redaktion/indstillinger?besked=gemt", http.StatusSeeOther)
	return nil
}

// wsPreview renders the editor's live preview: the body as readers will
// see it, and how easy it is to read.
func (s *Server) wsPreview(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	var audiences []material.Audience
	for _, a := range r.PostForm["audiences"] {
		audiences = append(audiences, material.Audience(a))
	}
	return s.render(w, http.StatusOK, "ws/preview", newPreview(b, r.PostForm.Get("body"), audiences))
}

// Preview is the rendered body and its readability.
type Preview struct {
	Base
	HTML  template.HTML
	Read  material.Readability
	Warn  bool
	Limit int
}

func newPreview(b Base, body string, audiences []material.Audience) Preview {
	html, err := markdown.ToHTML(body)
	if err != nil {
		html = ""
	}
	html = bodyMedia(html, "/redaktion/medier/")
	p := Preview{Base: b, HTML: html, Read: material.LIX(markdown.Inspect(body).Text),
		Limit: material.ParentLIXLimit}
	parents := false
	for _, a := range audiences {
		parents = parents || a == material.Parents
	}
	p.Warn = parents && p.Read.Score > material.ParentLIXLimit
	return p
}

func materialEditURL(id int64, message string) string {
	u := "/redaktion/materialer/" + strconv.FormatInt(id, 10)
	if message != "" {
		u += "?besked=" + url.QueryEscape(message)
	}
	return u
}

// searchWorkspace finds the materials a query means among those the user
// may see, in any state, best first.
func (s *Server) searchWorkspace(r *http.Request, query string, schools []int64, exclude []material.Status,
	page int) ([]*material.Material, int, error) {
	hits, err := s.store.Search(r.Context(), query, storage.SearchOptions{SchoolIDs: schools, Exclude: exclude})
	if err != nil {
		return nil, 0, err
	}
	from := min((page-1)*wsPageSize, len(hits))
	ids := make([]int64, 0, wsPageSize)
	for _, h := range hits[from:min(from+wsPageSize, len(hits))] {
		ids = append(ids, h.ID)
	}
	ms, err := s.store.MaterialsByID(r.Context(), ids)
	return ms, len(hits), err
}
